import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CwlTool } from '../model/cwl.types';
import { isCacheable, stepCacheKey } from './step-cache-key';

describe('step cache key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'saber-key-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return { class: 'File', location: pathToFileURL(path).href, path, basename: name.split('/').pop() };
  };
  const ctx = { toolHash: 'tool-1', backend: 'local' };

  it('depends on file contents and names, not on locations or modification times', async () => {
    const a = file('a/in.txt', 'hello');
    const b = file('b/in.txt', 'hello');
    const keyA = await stepCacheKey({ x: a, n: 1 }, ctx);
    assert.match(keyA, /^[0-9a-f]{64}$/);
    assert.equal(await stepCacheKey({ n: 1, x: b }, ctx), keyA, 'same bytes and name elsewhere: same key');
    utimesSync(a.path, new Date(2000, 0, 1), new Date(2000, 0, 1));
    assert.equal(await stepCacheKey({ x: a, n: 1 }, ctx), keyA, 'touching a file does not change the key');
    assert.notEqual(await stepCacheKey({ x: file('c/other.txt', 'hello'), n: 1 }, ctx), keyA, 'another name');
    assert.notEqual(await stepCacheKey({ x: a, n: 2 }, ctx), keyA, 'another parameter');
    assert.notEqual(await stepCacheKey({ x: a, n: 1 }, { ...ctx, toolHash: 'tool-2' }), keyA, 'another tool');
    assert.notEqual(await stepCacheKey({ x: a, n: 1 }, { ...ctx, backend: 'docker', imageDigest: 'sha256:1' }), keyA, 'another backend and image');
  });

  it('sees a rewrite of the same size through the remembered checksums', async () => {
    const f = file('d/data.txt', 'aaaa');
    const before = await stepCacheKey({ f }, ctx);
    await new Promise((r) => setTimeout(r, 10));
    writeFileSync(f.path, 'bbbb');
    assert.notEqual(await stepCacheKey({ f }, ctx), before);
  });

  it('hashes literal files by contents and directories by their listing', async () => {
    const lit = (contents: string) => ({ class: 'File', basename: 'x.txt', contents });
    assert.equal(await stepCacheKey({ f: lit('1') }, ctx), await stepCacheKey({ f: lit('1') }, ctx));
    assert.notEqual(await stepCacheKey({ f: lit('1') }, ctx), await stepCacheKey({ f: lit('2') }, ctx));
    file('e/one.txt', '1');
    file('e/sub/two.txt', '2');
    const d = { class: 'Directory', location: pathToFileURL(join(dir, 'e')).href, basename: 'e' };
    const k1 = await stepCacheKey({ d }, ctx);
    file('e/sub/two.txt', '3');
    assert.notEqual(await stepCacheKey({ d }, ctx), k1, 'a changed file deep in the directory');
  });

  it('fails for an input file that does not exist', async () => {
    await assert.rejects(stepCacheKey({ f: { class: 'File', location: pathToFileURL(join(dir, 'missing')).href } }, ctx), /ENOENT/);
  });

  it('caches CommandLineTools unless WorkReuse disables it', () => {
    const tool = (extra: Record<string, unknown>) => ({ class: 'CommandLineTool', inputs: [], outputs: [], requirements: [], hints: [], ...extra }) as unknown as CwlTool;
    assert.equal(isCacheable(tool({})), true);
    assert.equal(isCacheable(tool({ requirements: [{ class: 'WorkReuse', enableReuse: false }] })), false);
    assert.equal(isCacheable(tool({ hints: [{ class: 'WorkReuse', enableReuse: false }] })), false);
    assert.equal(isCacheable({ class: 'ExpressionTool', inputs: [], outputs: [], expression: '$({})' } as unknown as CwlTool), false);
  });
});
