#!/usr/bin/env node
// bench:merge — stitching throughput and peak memory of @saber/blockmerge as the volume grows.
// For a synthetic labelled volume of 1× (128×256×256) and 8× (256×512×512) the size, blocks of
// 64³ with a 4-voxel halo are labelled (26-connected components) and written, one zarr volume per
// block over its halo region, as a sweep's block runs would; then a fresh child process stitches
// them into one uint32 zarr volume (overlap matching, both passes, reading and writing) and
// reports its wall time and its peak RSS (process.resourceUsage().maxRSS). The stitched object
// count is checked against connected components of the whole volume.
// Last line: `merge: mvox_s_1x=… mvox_s_8x=… rss_1x_mb=… rss_8x_mb=… rss_ratio=… goal_rss_ratio=1.2`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SIZES = { 1: [128, 256, 256], 8: [256, 512, 512] };
const BLOCK = [64, 64, 64];
const HALO = [4, 4, 4];
const self = fileURLToPath(import.meta.url);

const [mode, scaleArg, dir] = process.argv.slice(2);
if (mode === 'prepare') await prepare(Number(scaleArg), dir);
else if (mode === 'merge') await merge(Number(scaleArg), dir);
else await main();

function grid(lib, shape) {
  const bounds = { start: [0, 0, 0], stop: shape };
  return new lib.BlockGrid({ bounds, size: BLOCK, halo: HALO });
}

/** Child 1: the synthetic volume, per-block labels written one zarr per block, the whole volume's object count. */
async function prepare(scale, dir) {
  const lib = await import('@saber/blockmerge');
  const { connectedComponents } = await import('@saber/imaging');
  const shape = SIZES[scale];
  const syn = lib.syntheticSegmentation(shape, { seed: 1 });
  const mask = Uint8Array.from(syn.labels, (l) => (l ? 1 : 0));
  const g = grid(lib, shape);
  await lib.runBlocks(lib.memoryVolume(mask, shape), g, lib.connectedComponentsBlock({ connectivity: 26 }), {
    onBlock: async (block, result) => void (await lib.writeBlockVolume(`zarr://${join(dir, `b${block.index}.zarr`)}`, result)),
  });
  const whole = connectedComponents(mask, shape, { connectivity: 26 });
  console.log(JSON.stringify({ blocks: g.total, objects: whole.count }));
}

/** Child 2: the merge alone, in a fresh process, so its peak RSS is the merge's. */
async function merge(scale, dir) {
  const lib = await import('@saber/blockmerge');
  const { openVolume } = await import('@saber/volume');
  const shape = SIZES[scale];
  const g = grid(lib, shape);
  const t0 = performance.now();
  const source = lib.perBlockLabelSource((block) => openVolume(`zarr://${join(dir, `b${block.index}.zarr`)}`));
  const sink = new lib.VolumeLabelSink(`zarr://${join(dir, 'stitched.zarr')}`, { chunkShape: BLOCK });
  const r = await lib.stitchLabels(g, source, sink);
  const seconds = (performance.now() - t0) / 1000;
  const voxels = shape[0] * shape[1] * shape[2];
  console.log(JSON.stringify({
    voxels, seconds, mvoxPerSecond: voxels / 1e6 / seconds, match: r.match, objects: r.count, localLabels: r.localLabels,
    matchSeconds: r.seconds.match, relabelSeconds: r.seconds.relabel, maxRssMb: process.resourceUsage().maxRSS / 1024,
  }));
}

function child(args) {
  const r = spawnSync(process.execPath, [self, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`bench:merge ${args[0]} ${args[1]}× failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

async function main() {
  const root = join(tmpdir(), `saber-bench-merge-${process.pid}`);
  const out = {};
  try {
    for (const scale of [1, 8]) {
      const dir = join(root, `${scale}x`);
      mkdirSync(dir, { recursive: true });
      const p = child(['prepare', String(scale), dir]);
      const m = child(['merge', String(scale), dir]);
      if (m.objects !== p.objects) throw new Error(`${scale}×: stitched ${m.objects} objects, the whole volume has ${p.objects}`);
      console.log(
        `${scale}× ${SIZES[scale].join('×')} (${(m.voxels / 1e6).toFixed(1)} MVox, ${p.blocks} blocks of ${BLOCK.join('×')}, halo ${HALO[0]}): ` +
          `${m.seconds.toFixed(2)} s (match ${m.matchSeconds.toFixed(2)} s, relabel+write ${m.relabelSeconds.toFixed(2)} s), ${m.mvoxPerSecond.toFixed(1)} MVox/s, ` +
          `peak RSS ${m.maxRssMb.toFixed(0)} MB, ${m.objects} objects = whole volume, ${m.localLabels} block-local labels, ${m.match} matching`,
      );
      out[scale] = m;
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const ratio = out[8].maxRssMb / out[1].maxRssMb;
  console.log(
    `merge: mvox_s_1x=${out[1].mvoxPerSecond.toFixed(1)} mvox_s_8x=${out[8].mvoxPerSecond.toFixed(1)} rss_1x_mb=${out[1].maxRssMb.toFixed(0)} ` +
      `rss_8x_mb=${out[8].maxRssMb.toFixed(0)} rss_ratio=${ratio.toFixed(2)} goal_rss_ratio=1.2`,
  );
}
