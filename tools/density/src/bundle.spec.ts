import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const root = resolve(__dirname, '../../..');
const bundle = join(root, 'tools/density/dist/bundle.js');
const dir = mkdtempSync(join(tmpdir(), 'density-bundle-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('density dist/bundle.js (tools/scripts/bundle-tools.mjs)', () => {
  it('runs the tool, and warns when a project it inlined was compiled after it', () => {
    assert.ok(existsSync(bundle), `${bundle} is missing: npm run build makes it`);
    const help = spawnSync(process.execPath, [bundle, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: density \[options\]/);

    // The bundle in a copy of the workspace's layout, beside a build info of @saber/imaging.
    const copy = join(dir, 'tools/density/dist/bundle.js');
    mkdirSync(join(dir, 'tools/density/dist'), { recursive: true });
    mkdirSync(join(dir, 'libs/imaging/dist'), { recursive: true });
    copyFileSync(bundle, copy);
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    const info = join(dir, 'libs/imaging/dist/.tsbuildinfo');
    writeFileSync(info, '{}');
    const now = Date.now() / 1000;
    utimesSync(copy, now - 60, now - 60);
    utimesSync(info, now, now);
    const stale = spawnSync(process.execPath, [copy, '--help'], { encoding: 'utf8' });
    assert.equal(stale.status, 0, stale.stderr);
    assert.equal(stale.stderr, `warning: ${copy} is older than the build of ${join(dir, 'libs/imaging')}: it runs the code bundled before; rebuild with npm run build (or node tools/scripts/bundle-tools.mjs)\n`);

    utimesSync(info, now - 120, now - 120);
    const fresh = spawnSync(process.execPath, [copy, '--help'], { encoding: 'utf8' });
    assert.deepEqual([fresh.status, fresh.stderr], [0, '']);
  });
});
