import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expressionSettings } from '../expressions/evaluate-expression';
import { loadDocument } from '../loader/load-document';
import type { CommandLineTool } from '../model/cwl.types';
import { buildCommandLine, toShellString } from './build-command-line';

async function tool(doc: Record<string, unknown>): Promise<CommandLineTool> {
  return (await loadDocument({ inline: { cwlVersion: 'v1.2', class: 'CommandLineTool', ...doc } })).process as CommandLineTool;
}

const file = (path: string): Record<string, unknown> => ({ class: 'File', location: `file://${path}`, path, basename: path.slice(path.lastIndexOf('/') + 1) });

describe('buildCommandLine', () => {
  it('sorts the field bindings of a record input without a binding among the arguments', async () => {
    const t = await tool({
      requirements: { ShellCommandRequirement: {} },
      inputs: {
        irec: {
          type: { type: 'record', name: 'irec', fields: [
            { name: 'ifoo', type: 'File', inputBinding: { position: 2 } },
            { name: 'ibar', type: 'File', inputBinding: { position: 6 } },
          ] },
        },
      },
      outputs: [],
      arguments: [
        { valueFrom: 'cat', position: 1 }, { valueFrom: '> foo', position: 3, shellQuote: false }, { valueFrom: '&&', position: 4, shellQuote: false },
        { valueFrom: 'cat', position: 5 }, { valueFrom: '> bar', position: 7, shellQuote: false },
      ],
    });
    const inputs = { irec: { ifoo: file('/d/whale.txt'), ibar: file('/d/ref.fasta') } };
    const line = await buildCommandLine(t, { inputs }, expressionSettings(t.requirements));
    assert.equal(line.shell, true);
    assert.equal(toShellString(line.words), 'cat /d/whale.txt > foo && cat /d/ref.fasta > bar');
  });

  it('keeps the fields of a bound record together at the record position', async () => {
    const t = await tool({
      baseCommand: 'echo',
      inputs: {
        r: {
          type: { type: 'record', name: 'r', fields: [{ name: 'b', type: 'int', inputBinding: { position: 2, prefix: '-b' } }, { name: 'a', type: 'int', inputBinding: { position: 1 } }] },
          inputBinding: { position: 5, prefix: '--rec' },
        },
        x: { type: 'string', inputBinding: { position: 3 } },
      },
      outputs: [],
    });
    const line = await buildCommandLine(t, { inputs: { r: { a: 1, b: 2 }, x: 'mid' } }, expressionSettings([]));
    assert.deepEqual(line.words.map((w) => w.text), ['echo', 'mid', '--rec', '1', '-b', '2']);
  });
});
