// The XRM cell detection objective of the paper (Johnson et al. 2020, Figure 3): centroid F1 of
// the cells detected on a synthetic volume against its ground truth, over the paper's four
// parameters: threshold, template size, window/dilation, stopping correlation.
//
// One evaluation is one cell detection: @saber/imaging detectCells (what tools/cell-detect runs)
// on the cell channel (1) of the fixture's probabilities, then @saber/imaging centroidF1 (what
// tools/cell-score runs). The tools' library functions are called directly so the probability map
// is read once per bench run, not once per trial; the algorithm and its options are the tools'.
// The score uses a FIXED border margin and matching distance, SCORE_TEMPLATE_SIZE (the workflow's
// default template size, the cells' mean diameter): scoring with the candidate's own template size
// (cell-score's default) would let a large template shrink the scored region and loosen the
// matching, and the optimizer would tune the metric instead of the detection.
// Evaluations are deterministic and memoized by their exact parameter tuple.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { xrmFixture } from './xrm-fixture.mjs';

const require = createRequire(import.meta.url);
const root = resolve(new URL('../../..', import.meta.url).pathname);

/** Border margin and matching distance of the score, voxels: workflows/xrm/xrm.cwl's initial_template_size default. */
export const SCORE_TEMPLATE_SIZE = 14;
/** Probability channel of the cell class (the classifier's class order: background, cell, vessel). */
const CELL_CHANNEL = 1;
/** Most cells per detection: xrm.cwl's max_cells default. */
const MAX_CELLS = 500;

/**
 * The bench fixture (see xrm-fixture.mjs): a 96³ volume with cells denser, more varied in size,
 * fainter and noisier than xrm-synth's defaults (110 cells of mean semi-axis 4-10 voxels, contrast
 * 0.05-0.15, 30 photons per unit intensity), so that F1 = 1 is not reached by chance and the
 * parameters trade off; 96³ keeps one evaluation near a second on the bench machine.
 * `BENCH_XRM_SIZE` overrides the edge (the cell count scales with the volume).
 */
const size = Number(process.env.BENCH_XRM_SIZE ?? 96);
export const XRM_BENCH_FIXTURE = {
  size,
  cellCount: Math.round((110 * size ** 3) / 96 ** 3),
  cellRadius: '4,10',
  cellContrast: '0.05,0.15',
  photons: 30,
  seed: 1,
  trainSeed: 1000,
};

/** What the fixture and the evaluations load: the compiled tools and libraries. */
const built = ['tools/xrm-synth/dist/main.js', 'tools/pixel-classifier/dist/main.js', 'libs/imaging/dist/index.js', 'libs/toolkit/dist/index.js'].every((f) => existsSync(join(root, f)));

/** Loaded by prepare(): the cell probabilities, the true centroids, the fixture's description. */
let loaded;
const memo = new Map();
const stats = { evaluations: 0, seconds: 0, maxSeconds: 0 };

/** F1 of one detection with `params` (memoized). */
function f1Of(params) {
  if (!loaded) throw new Error('xrm-cell-detection: prepare() first');
  const key = `${params.threshold}|${params.initial_template_size}|${params.dilation}|${params.stop}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const { detectCells, centroidF1 } = require('@saber/imaging');
  const t0 = performance.now();
  const result = detectCells(loaded.probability, loaded.shape, {
    threshold: params.threshold,
    templateSize: params.initial_template_size,
    dilation: params.dilation,
    stop: params.stop,
    maxCells: MAX_CELLS,
  });
  const score = centroidF1(
    result.cells.map((c) => [c.z, c.y, c.x]),
    loaded.truth,
    { shape: loaded.shape, templateSize: SCORE_TEMPLATE_SIZE },
  );
  const seconds = (performance.now() - t0) / 1000;
  stats.evaluations++;
  stats.seconds += seconds;
  stats.maxSeconds = Math.max(stats.maxSeconds, seconds);
  memo.set(key, score.f1);
  return score.f1;
}

export const xrmCellDetection = {
  name: 'xrm-cell-detection',
  kind: 'workflow',
  available: built,
  reason: 'needs the compiled tools (npm run build)',
  direction: 'maximize',
  /** Names of the last line's keys: xrm_<sampler>_f1, xrm_optuna_f1, xrm_optuna_ratio, xrm_eval_s. */
  summaryKey: 'xrm',
  metric: 'f1',
  /** F1's upper bound; regret is 1 − F1. */
  optimum: 1,
  /** The bench also reports how many trials each sampler needs to reach this F1 (about two errors among the scored cells). */
  target: 0.95,
  /** The paper's four parameters, bracketing the cells' diameters (8-20 voxels) and xbrain's defaults (0.2, 18, 8, 0.47). */
  space: [
    { kind: 'float', name: 'threshold', low: 0.05, high: 0.95, log: false },
    { kind: 'int', name: 'initial_template_size', low: 8, high: 30, step: 1 },
    { kind: 'int', name: 'dilation', low: 2, high: 12, step: 1 },
    { kind: 'float', name: 'stop', low: 0.2, high: 0.8, log: false },
  ],
  /** Parameter sets the bench scores once for context (not trials of any sampler). */
  references: [
    { name: 'xrm.cwl defaults', params: { threshold: 0.4, initial_template_size: 14, dilation: 8, stop: 0.4 } },
    { name: 'xbrain defaults', params: { threshold: 0.2, initial_template_size: 18, dilation: 8, stop: 0.47 } },
  ],
  /** Builds (or finds cached) the fixture and loads its cell probabilities and true cells. */
  async prepare(log) {
    const fixture = await xrmFixture(XRM_BENCH_FIXTURE, log);
    const { readInput } = require('@saber/toolkit');
    const { data, shape } = await readInput(join(fixture.dir, 'probabilities.npy'), { channel: CELL_CHANNEL });
    const truth = JSON.parse(readFileSync(join(fixture.dir, 'truth.json'), 'utf8')).cells.map((c) => [c.z, c.y, c.x]);
    const { centroidF1 } = require('@saber/imaging');
    const scored = centroidF1([], truth, { shape, templateSize: SCORE_TEMPLATE_SIZE }).truth;
    loaded = { probability: data, shape, truth, fixture: { ...fixture, scoredCells: scored } };
    return loaded.fixture;
  },
  evaluate: (params) => f1Of(params),
  exact: (params) => f1Of(params),
  /** Distinct evaluations so far, their total and longest seconds, and the fixture. */
  stats: () => ({ ...stats, distinct: memo.size, fixture: loaded?.fixture }),
};
