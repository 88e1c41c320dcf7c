import assert from 'node:assert/strict';
import { mkdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { CwlInputError } from '../errors/cwl-errors';
import type { InputParameter } from '../model/cwl.types';
import { tempDir } from '../test-support/paths';
import { stageInputs, type StageOptions } from './stage-inputs';

const url = (p: string): string => pathToFileURL(p).href;

describe('stageInputs', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'small.txt'), '42\n');
  writeFileSync(join(dir, 'big.txt'), 'x'.repeat(64 * 1024 + 1));
  writeFileSync(join(dir, 'p.txt'), '');
  writeFileSync(join(dir, 'other'), '');
  const options = (): StageOptions => ({ area: { dir: tempDir(), next: 0 }, loadListing: 'none', evaluate: async () => null });

  it('loads contents up to 64 KiB and fails beyond', async () => {
    const params: InputParameter[] = [{ id: 'f', type: 'File', loadContents: true }];
    const staged = await stageInputs(params, { f: { class: 'File', location: url(join(dir, 'small.txt')) } }, options());
    assert.equal((staged.f as { contents: string }).contents, '42\n');
    await assert.rejects(stageInputs(params, { f: { class: 'File', location: url(join(dir, 'big.txt')) } }, options()), (e: unknown) => e instanceof CwlInputError && /larger than 65536 bytes/.test(e.message));
  });

  it('requires secondary files on the File object, and links renamed ones next to the primary', async () => {
    const params: InputParameter[] = [{ id: 'f', type: 'File', secondaryFiles: [{ pattern: '.idx' }] }];
    await assert.rejects(stageInputs(params, { f: { class: 'File', location: url(join(dir, 'p.txt')) } }, options()), (e: unknown) => e instanceof CwlInputError && /missing required secondary file 'p.txt.idx'/.test(e.message));
    const staged = await stageInputs(params, { f: { class: 'File', location: url(join(dir, 'p.txt')), secondaryFiles: [{ class: 'File', location: url(join(dir, 'other')), basename: 'p.txt.idx' }] } }, options());
    const f = staged.f as { path: string; dirname: string; secondaryFiles: { path: string }[] };
    assert.equal(f.secondaryFiles[0].path, join(f.dirname, 'p.txt.idx'));
    assert.equal(readlinkSync(f.secondaryFiles[0].path), join(dir, 'other'));
  });

  it('checks File formats strictly', async () => {
    const params: InputParameter[] = [{ id: 'f', type: 'File', format: 'http://example.com/format1' }];
    const file = { class: 'File', location: url(join(dir, 'p.txt')), format: 'http://example.com/formatZ' };
    await assert.rejects(stageInputs(params, { f: file }, { ...options(), formatCheck: 'strict' }), (e: unknown) => e instanceof CwlInputError && /formatZ is not/.test(e.message));
    await stageInputs(params, { f: file }, { ...options(), formatCheck: 'lenient' });
  });

  it('lists directories to the requested depth', async () => {
    const params: InputParameter[] = [{ id: 'd', type: 'Directory', loadListing: 'shallow_listing' }];
    const staged = await stageInputs(params, { d: { class: 'Directory', location: url(dir) } }, options());
    assert.deepEqual((staged.d as { listing: { basename: string }[] }).listing.map((e) => e.basename), ['big.txt', 'other', 'p.txt', 'small.txt']);
    const none = await stageInputs([{ id: 'd', type: 'Directory' }], { d: { class: 'Directory', location: url(dir) } }, options());
    assert.equal('listing' in (none.d as object), false);
  });

  it('re-reads a carried listing when the parameter asks for one, keeping what still describes the entries', async () => {
    const d = join(tempDir(), 'd');
    mkdirSync(d);
    writeFileSync(join(d, 'kept'), 'k');
    writeFileSync(join(d, 'added'), 'a');
    const carried = {
      class: 'Directory', location: url(d),
      listing: [
        { class: 'File', location: url(join(d, 'kept')), basename: 'kept', size: 1, checksum: 'sha1$stale', format: 'http://example.com/f' },
        { class: 'File', location: url(join(d, 'gone')), basename: 'gone', size: 1 },
      ],
    };
    const staged = await stageInputs([{ id: 'd', type: 'Directory', loadListing: 'shallow_listing' }], { d: carried }, options());
    const listing = (staged.d as { listing: Record<string, unknown>[] }).listing;
    assert.deepEqual(listing.map((e) => [e.basename, e.size, e.checksum, e.format]), [['added', 1, undefined, undefined], ['kept', 1, undefined, 'http://example.com/f']]);
    const untouched = await stageInputs([{ id: 'd', type: 'Directory' }], { d: { ...carried, listing: carried.listing.slice(0, 1) } }, options());
    assert.deepEqual((untouched.d as { listing: Record<string, unknown>[] }).listing.map((e) => [e.basename, e.checksum]), [['kept', 'sha1$stale']]);
  });
});
