#!/usr/bin/env node
// bench:kernels — four @saber/imaging kernels on one SIZE^3 volume (default 256), single
// thread, side by side with scipy.ndimage / scikit-image in the same run when a Python with
// them is found ($PYTHON, then python3, then /usr/bin/python3; Debian: apt-get install -y
// python3-scipy python3-skimage). Both sides get the same bytes: the inputs are made here and
// handed to Python as raw files.
//   cc26       connectedComponents(blobs, 26)   vs scipy.ndimage.label(blobs, ones((3,3,3)))
//   edt        distanceTransform(blobs)          vs scipy.ndimage.distance_transform_edt(blobs)
//   gaussian2  gaussianFilter(noise, 2), float32 vs scipy.ndimage.gaussian_filter(noise, 2)
//   watershed6 seededWatershed(smooth, minima)   vs skimage.segmentation.watershed(smooth, minima)
// blobs = gaussian(noise, 2) > 0.5; minima = regionalMinimaSeeds(smooth, 26) (same markers for both).
// cc26 and gaussian2 write into an output array allocated once, on both sides (`out` here,
// `output=` in scipy): numpy reuses freed memory (and asks for huge pages) while a fresh 64 MiB
// typed array costs V8 about 0.2 s of page faults on a small VM, which is the allocator, not the
// kernel. The allocating calls are timed too and printed as `(allocating: ...)`.
// Best of REPS (default 2; watershed and EDT: 1 rep in Python, they take seconds there).
// Ratio = saber time / reference time (below 1: SABER is faster). Last line: `kernels: ...`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const im = require('../../libs/imaging/dist/index.js');
const size = Number(process.argv[2] ?? process.env.SIZE ?? 256);
const REPS = Number(process.env.REPS ?? 2);

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function time(fn, reps) {
  let best = Infinity;
  let out;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    out = fn();
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, out };
}

const PY = String.raw`
import json, sys, time
import numpy as np
from scipy import ndimage as ndi
s, d, reps = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
shape = (s, s, s)
noise = np.fromfile(d + '/noise.f32', dtype=np.float32).reshape(shape)
smooth = np.fromfile(d + '/smooth.f32', dtype=np.float32).reshape(shape)
blobs = np.fromfile(d + '/blobs.u8', dtype=np.uint8).reshape(shape).astype(bool)
markers = np.fromfile(d + '/markers.u32', dtype=np.uint32).reshape(shape).astype(np.int32)
def best(f, n):
    t = 1e30
    for _ in range(n):
        t0 = time.perf_counter(); f(); t = min(t, time.perf_counter() - t0)
    return t * 1000
out = {'versions': {'scipy': __import__('scipy').__version__}}
gout = np.empty_like(noise)
lout = np.empty(shape, dtype=np.int32)
out['gaussian2'] = best(lambda: ndi.gaussian_filter(noise, 2, output=gout), reps)
out['cc26'] = best(lambda: ndi.label(blobs, structure=np.ones((3, 3, 3)), output=lout), reps)
out['edt'] = best(lambda: ndi.distance_transform_edt(blobs), 1)
try:
    import skimage
    from skimage.segmentation import watershed
    out['versions']['skimage'] = skimage.__version__
    out['watershed6'] = best(lambda: watershed(smooth, markers, connectivity=1), 1)
except ImportError:
    pass
print(json.dumps(out))
`;

function findPython() {
  const candidates = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  let fallback = null;
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import scipy.ndimage\ntry:\n import skimage.segmentation; print("both")\nexcept ImportError: print("scipy")'], { encoding: 'utf8' });
    if (r.status !== 0) continue;
    if (r.stdout.trim() === 'both') return py;
    fallback ??= py;
  }
  return fallback;
}

const n = size ** 3;
const shape = [size, size, size];
const rand = rng(1);
const noise = new Float32Array(n);
for (let i = 0; i < n; i++) noise[i] = rand();
const smooth = im.gaussianFilter(noise, shape, 2);
const blobs = new Uint8Array(n);
for (let i = 0; i < n; i++) blobs[i] = smooth[i] > 0.5 ? 1 : 0;
const seeds = im.regionalMinimaSeeds(smooth, shape);
console.log(`volume ${size}^3 = ${n} voxels; blobs: ${im.connectedComponents(blobs, shape).count} components (26); ${seeds.count} regional minima`);

// Warm up the JIT on a small volume first.
{
  const s = [32, 32, 32];
  const w = noise.subarray(0, 32 ** 3);
  const ws = im.gaussianFilter(w, s, 2);
  const wb = Uint8Array.from(ws, (v) => (v > 0.5 ? 1 : 0));
  im.connectedComponents(wb, s);
  im.distanceTransform(wb, s);
  im.seededWatershed(ws, s, im.regionalMinimaSeeds(ws, s).labels, { connectivity: 6 });
}

const labelsOut = new Uint32Array(n);
const smoothOut = new Float32Array(n);
const saber = {
  cc26: time(() => im.connectedComponents(blobs, shape, { connectivity: 26, out: labelsOut }), REPS).ms,
  edt: time(() => im.distanceTransform(blobs, shape), REPS).ms,
  gaussian2: time(() => im.gaussianFilter(noise, shape, 2, { out: smoothOut }), REPS).ms,
  watershed6: time(() => im.seededWatershed(smooth, shape, seeds.labels, { connectivity: 6 }), REPS).ms,
};
const allocating = {
  cc26: time(() => im.connectedComponents(blobs, shape, { connectivity: 26 }), REPS).ms,
  gaussian2: time(() => im.gaussianFilter(noise, shape, 2), REPS).ms,
};

let ref = {};
const py = findPython();
if (py) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-kernels-'));
  try {
    const bytes = (a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    writeFileSync(join(dir, 'noise.f32'), bytes(noise));
    writeFileSync(join(dir, 'smooth.f32'), bytes(smooth));
    writeFileSync(join(dir, 'blobs.u8'), blobs);
    writeFileSync(join(dir, 'markers.u32'), bytes(seeds.labels));
    const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    const r = spawnSync(py, ['-c', PY, String(size), dir, String(REPS)], { encoding: 'utf8', env, maxBuffer: 1 << 20 });
    if (r.status === 0) ref = JSON.parse(r.stdout.trim().split('\n').pop());
    else console.log(`python failed (${py}): ${r.stderr.trim().split('\n').pop()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`reference: ${py} ${Object.entries(ref.versions ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')}`);
} else console.log('reference: no Python with scipy found; SABER times only');

const summary = [`size=${size}`];
for (const [name, ms] of Object.entries(saber)) {
  const r = ref[name];
  const ratio = r ? ms / r : undefined;
  const alloc = allocating[name] === undefined ? '' : `   (allocating: ${(allocating[name] / 1000).toFixed(3)} s${r ? `, ${(allocating[name] / r).toFixed(2)}x` : ''})`;
  console.log(`${name.padEnd(11)} saber ${(ms / 1000).toFixed(3).padStart(8)} s   reference ${r ? (r / 1000).toFixed(3).padStart(8) + ' s' : '      -  '}   ratio ${ratio === undefined ? '-' : ratio.toFixed(2) + 'x'}${alloc}`);
  summary.push(`${name}=${ratio === undefined ? `${(ms / 1000).toFixed(3)}s` : `${ratio.toFixed(2)}x`}`);
}
console.log(`kernels: ${summary.join(' ')}`);
