import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CollectRow, flattenParameters } from './collect-row';
import { collectColumns, csvField, toCsv } from './csv';

const row = (over: Partial<CollectRow>): CollectRow => ({
  runId: 'r1', workflow: 'wf', step: 's', parameters: {}, attempts: 1, costSeconds: 2.5, score: null, status: 'completed', ...over,
});

describe('csvField', () => {
  it('quotes only fields with a comma, quote, CR or LF, doubling quotes', () => {
    assert.equal(csvField('plain value'), 'plain value');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('cr\r'), '"cr\r"');
    assert.equal(csvField(''), '');
  });
});

describe('toCsv', () => {
  it('writes a header and CRLF-terminated rows in a stable column order', () => {
    const csv = toCsv([
      row({ runId: 'r1', parameters: { 'param.sigma': '1.5', 'param.image': 'file:///a,b.tif' }, score: 0.9 }),
      row({ runId: 'r2', step: 't', parameters: { 'param.alpha': 'x"y' }, attempts: 3, costSeconds: 7 }),
    ]);
    assert.equal(
      csv,
      'run_id,workflow,step,param.alpha,param.image,param.sigma,attempts,cost_seconds,score,status\r\n' +
        'r1,wf,s,,"file:///a,b.tif",1.5,1,2.5,0.9,completed\r\n' +
        'r2,wf,t,"x""y",,,3,7,,completed\r\n',
    );
  });

  it('writes only the header for no rows', () => {
    assert.equal(toCsv([]), 'run_id,workflow,step,attempts,cost_seconds,score,status\r\n');
  });

  it('orders columns independently of row order', () => {
    const a = row({ parameters: { 'param.b': '1' } });
    const b = row({ parameters: { 'param.a': '2' } });
    assert.deepEqual(collectColumns([a, b]), collectColumns([b, a]));
  });
});

describe('flattenParameters', () => {
  it('flattens scalars, Files, arrays and nested records', () => {
    assert.deepEqual(
      flattenParameters({
        sigma: 1.5,
        name: 'cells',
        debug: false,
        none: null,
        image: { class: 'File', location: 'file:///data/in.tif', size: 10 },
        mask: { class: 'File', path: '/data/mask.tif' },
        dir: { class: 'Directory', location: 's3://bucket/out/' },
        files: [{ class: 'File', location: 'file:///a' }, 2],
        block: { x: 64, y: { lo: 0, hi: 8 } },
        empty: {},
      }),
      {
        'param.block.x': '64',
        'param.block.y.hi': '8',
        'param.block.y.lo': '0',
        'param.debug': 'false',
        'param.dir': 's3://bucket/out/',
        'param.empty': '{}',
        'param.files': '["file:///a",2]',
        'param.image': 'file:///data/in.tif',
        'param.mask': '/data/mask.tif',
        'param.name': 'cells',
        'param.none': '',
        'param.sigma': '1.5',
      },
    );
    assert.deepEqual(flattenParameters(null), {});
  });
});
