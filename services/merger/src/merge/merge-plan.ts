import { BlockGrid, box, formatBox, type Box3, type GridBlock } from '@saber/blockmerge';
import type { MergeRequested } from '@saber/contracts';

/** The checked geometry of a merge request: the grid and, per block index, its run's outputs. */
export interface MergePlan {
  readonly grid: BlockGrid;
  /** `outputs[blockIndex]`: the block's workflow outputs. */
  readonly outputs: ReadonlyArray<Record<string, unknown>>;
  /** Output names every block reported (block 0's, in its order). */
  readonly names: readonly string[];
}

/** Problems that keep a merge from starting (missing, duplicated or misplaced blocks, missing outputs). */
export class MergePlanError extends Error {
  override readonly name = 'MergePlanError';
  constructor(
    message: string,
    readonly details: string[],
  ) {
    super(message);
  }
}

const MAX_DETAILS = 20;

/**
 * Checks that a merge request holds every block of its grid exactly once, each with the
 * grid's geometry and the same outputs, and returns the grid. The grid tiles the union of
 * the blocks' cores; halos are clamped to `volume.bounds` (the volume's extent, as the
 * blocker sends it).
 */
export function planMerge(req: MergeRequested): MergePlan {
  const problems: string[] = [];
  const total = req.counts[0] * req.counts[1] * req.counts[2];
  const byIndex = new Map<number, MergeRequested['blocks'][number]>();
  for (const b of req.blocks) {
    if (b.index >= total) problems.push(`block ${b.index}: outside the ${req.counts.join(' × ')} grid`);
    else if (byIndex.has(b.index)) problems.push(`block ${b.index}: reported twice (runs ${byIndex.get(b.index)!.runId} and ${b.runId})`);
    else byIndex.set(b.index, b);
  }
  const missing: number[] = [];
  for (let i = 0; i < total; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length) problems.unshift(`missing blocks: ${missing.length} of ${total} (${missing.slice(0, 50).join(', ')}${missing.length > 50 ? ', …' : ''})`);
  if (problems.length) throw new MergePlanError(`${req.requestId}: the sweep's blocks are incomplete: ${problems[0]}`, problems.slice(0, MAX_DETAILS));

  const start = [0, 1, 2].map((a) => Math.min(...req.blocks.map((b) => b.core.start[a]!)));
  const stop = [0, 1, 2].map((a) => Math.max(...req.blocks.map((b) => b.core.stop[a]!)));
  let grid: BlockGrid;
  try {
    grid = new BlockGrid({ bounds: box(start, stop), size: req.blockSize, halo: req.halo, frame: req.volume.bounds });
  } catch (e) {
    throw new MergePlanError(`${req.requestId}: the block geometry is inconsistent: ${(e as Error).message}`, [(e as Error).message]);
  }
  if (grid.counts.some((c, a) => c !== req.counts[a])) {
    problems.push(`counts: the cores span a ${grid.counts.join(' × ')} grid, the request says ${req.counts.join(' × ')}`);
  }
  const names = Object.keys(byIndex.get(0)!.outputs);
  for (let i = 0; i < total && problems.length < MAX_DETAILS; i++) {
    const b = byIndex.get(i)!;
    let expected: GridBlock | undefined;
    try {
      expected = grid.block(i);
    } catch {
      continue;
    }
    if (!sameVec(b.position, expected.position)) problems.push(`block ${i}: position (${b.position.join(', ')}), expected (${expected.position.join(', ')})`);
    if (!sameBox(b.core, expected.core)) problems.push(`block ${i}: core ${formatBox(b.core)}, expected ${formatBox(expected.core)}`);
    if (!sameBox(b.halo, expected.halo)) problems.push(`block ${i}: halo region ${formatBox(b.halo)}, expected ${formatBox(expected.halo)}`);
    for (const n of names) if (b.outputs[n] === undefined || b.outputs[n] === null) problems.push(`block ${i}: output "${n}" is missing (run ${b.runId})`);
  }
  if (problems.length) throw new MergePlanError(`${req.requestId}: the sweep's blocks are incomplete: ${problems[0]}`, problems.slice(0, MAX_DETAILS));
  return { grid, outputs: Array.from({ length: total }, (_, i) => byIndex.get(i)!.outputs), names };
}

function sameVec(a: readonly number[], b: readonly number[]): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

function sameBox(a: Box3 | { start: readonly number[]; stop: readonly number[] }, b: Box3): boolean {
  return sameVec(a.start, b.start) && sameVec(a.stop, b.stop);
}
