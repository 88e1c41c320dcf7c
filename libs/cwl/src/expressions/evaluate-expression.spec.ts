import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CwlExpressionError } from '../errors/cwl-errors';
import { evaluateExpression, expressionSettings, type ExpressionSettings } from './evaluate-expression';

const js: ExpressionSettings = { javascript: true, expressionLib: ['function twice(x) { return 2 * x; }'], timeoutMs: 1000 };
const noJs: ExpressionSettings = { javascript: false, expressionLib: [], timeoutMs: 1000 };
const scope = { inputs: { f: { class: 'File', path: '/d/a.txt' }, n: 3, list: [1, 2], rec: { 'a b': 'x' } }, self: ['s0'], runtime: { outdir: '/out' } };

describe('evaluateExpression', () => {
  it('evaluates parameter references without JavaScript', async () => {
    assert.equal(await evaluateExpression('$(inputs.f.path)', scope, noJs), '/d/a.txt');
    assert.equal(await evaluateExpression('$(self[0])', scope, noJs), 's0');
    assert.equal(await evaluateExpression("$(inputs.rec['a b'])", scope, noJs), 'x');
    assert.equal(await evaluateExpression('$(inputs.list.length)', scope, noJs), 2);
    assert.deepEqual(await evaluateExpression('$(inputs.list)', scope, noJs), [1, 2]);
    assert.equal(await evaluateExpression('$(runtime.outdir)/x $(inputs.n) $(inputs.list) \\$(no)', scope, noJs), '/out/x 3 [1, 2] $(no)');
  });

  it('follows cwltool backslash escaping and keeps whitespace when asked', async () => {
    assert.equal(await evaluateExpression(String.raw`a\\$(inputs.n) \$(inputs.n) \x \\ $`, scope, noJs), String.raw`a\3 $(inputs.n) \x \ $`);
    assert.equal(await evaluateExpression(String.raw`no expression \\ here`, scope, noJs), String.raw`no expression \\ here`);
    assert.deepEqual(await evaluateExpression('$(inputs.list)\n', scope, noJs), [1, 2]);
    assert.equal(await evaluateExpression('$(inputs.list)\n', scope, noJs, { stripWhitespace: false }), '[1, 2]\n');
  });
  it('rejects bad references and JavaScript without InlineJavascriptRequirement', async () => {
    await assert.rejects(evaluateExpression('$(inputs.n.length)', scope, noJs), new CwlExpressionError('$(inputs.n.length)', "inputs.n is a number; it has no property 'length'"));
    await assert.rejects(evaluateExpression('$(inputs.n + 1)', scope, noJs), new CwlExpressionError('$(inputs.n + 1)', 'JavaScript expressions need InlineJavascriptRequirement'));
  });

  it('runs JavaScript with expressionLib in the sandbox', async () => {
    assert.equal(await evaluateExpression('$(twice(inputs.n))', scope, js), 6);
    assert.deepEqual(await evaluateExpression('${ return inputs.list.map(function (x) { return x * 10; }); }', scope, js), [10, 20]);
    assert.equal(await evaluateExpression('n=$(inputs.n + 1)', scope, js), 'n=4');
    await assert.rejects(evaluateExpression('$(require("fs"))', scope, js), (e: unknown) => e instanceof CwlExpressionError && e.message.endsWith("ReferenceError: 'require' is not defined"));
    await assert.rejects(evaluateExpression('$(process.env)', scope, js), (e: unknown) => e instanceof CwlExpressionError && e.message.endsWith("ReferenceError: 'process' is not defined"));
  });

  it('has no filesystem, network or host access in the sandbox', async () => {
    for (const name of ['fetch', 'XMLHttpRequest', 'std', 'os', 'globalThis.process', 'module', 'importScripts']) {
      assert.equal(await evaluateExpression(`$(typeof ${name})`, scope, js), 'undefined', name);
    }
    for (const name of ['require', 'process']) assert.equal(await evaluateExpression(`$(typeof ${name})`, scope, js), 'undefined', name);
  });
  it('stops while(true){} within 1 s by default, naming the expression', async () => {
    const started = Date.now();
    const settings = expressionSettings([{ class: 'InlineJavascriptRequirement' }]);
    await assert.rejects(evaluateExpression('${ while (true) {} }', scope, settings), (e: unknown) => e instanceof CwlExpressionError && e.message.includes('${ while (true) {} }') && e.message.includes('timed out after 1000 ms'));
    assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
  });
  it('stops a runaway expression at the time limit', async () => {
    const started = Date.now();
    await assert.rejects(
      evaluateExpression('${ while (true) {} }', scope, { ...js, timeoutMs: 100 }),
      new CwlExpressionError('${ while (true) {} }', 'timed out after 100 ms'),
    );
    assert.ok(Date.now() - started < 1000);
  });
});
