import { blockGrid, type Block, type BlockGrid } from '../blocks/block-grid';
import { AXES, DEFAULT_BLOCK_INPUTS, type BlockGeometryName, type BlockSection, type Box3, type Vec3 } from '../blocks/block-section';
import { SweepDefinitionError } from '../errors/sweep-errors';
import { rangeLength } from '../parameterization/arange';
import { assignmentsOf, iterationCount, iterationDigits } from '../parameterization/expand-iterations';
import type { Iteration, Metaparameter, Parameterization } from '../parameterization/parameterization.types';

/** Most iterations one sweep may have (its state is one character per iteration). */
export const MAX_SWEEP_ITERATIONS = 1_000_000;

/** Where a sweep's blocks lie. Vectors `(z, y, x)`. */
export interface SweepGeometry {
  /**
   * `block-section`: a grid cut by `block.size` (the blocks are the outermost factor
   * of the product). `metaparameters`: the original's `x`, `y`, `z` min/max
   * metaparameters, whose ranges are the grid.
   */
  source: 'block-section' | 'metaparameters';
  /** The volume URI of the block section, if it named one. */
  volume?: string;
  /** The frame's shape: the volume's shape, else the stop of the bounds. */
  shape: Vec3;
  grid: BlockGrid;
  /** Geometry → workflow input. */
  inputs: Partial<Record<BlockGeometryName, string>>;
}

/** An iteration of a sweep with its block. */
export interface PlannedIteration extends Iteration {
  /** The block; undefined when the sweep has no block geometry. */
  block?: Block;
  /**
   * The combination of the non-block metaparameters (0-based): the iterations of one
   * group are the blocks of one result to merge. Undefined without block geometry.
   */
  group?: number;
}

/** A sweep ready to run: the product of its blocks and metaparameters. */
export interface SweepPlan {
  parameterization: Parameterization;
  geometry?: SweepGeometry;
  /** Iterations in all. */
  total: number;
  /** Groups (results to merge); 0 without block geometry. */
  groups: number;
  /** Iteration `index` (computed on demand: a plan never holds every iteration). */
  iteration(index: number): PlannedIteration;
}

/** Options of {@link planSweep}. */
export interface PlanSweepOptions {
  /** A block section given outside the file (in the sweep request). Conflicts with a `block:` key in the file. */
  block?: BlockSection;
  /**
   * Shape of `block.volume`, read by the caller (`openVolume(uri).shape`). Its last
   * three axes are `(z, y, x)`; a 2-D shape is one z slice.
   */
  volumeShape?: readonly number[];
  /** Default {@link MAX_SWEEP_ITERATIONS}. */
  maxIterations?: number;
}

const isAxisMeta = (m: Metaparameter) => (AXES as readonly string[]).includes(m.name) && m.parameters.mode === 'minmax';

function frameOf(section: BlockSection | undefined, volumeShape: readonly number[] | undefined): { frame: Box3; shape: Vec3 } | undefined {
  if (section?.bounds) return { frame: section.bounds, shape: [...section.bounds.stop] as Vec3 };
  if (section?.volume === undefined) return undefined;
  if (!volumeShape) throw new TypeError('planSweep: block.volume needs options.volumeShape');
  const last = volumeShape.slice(-3);
  const shape = [...Array(3 - last.length).fill(1), ...last] as Vec3;
  return { frame: { start: [0, 0, 0], stop: shape }, shape };
}

function geometryOf(p: Parameterization, section: BlockSection | undefined, volumeShape: readonly number[] | undefined, issues: string[]): SweepGeometry | undefined {
  const framed = frameOf(section, volumeShape);
  const halo = section?.halo ?? [0, 0, 0];
  const axisMetas = p.metaparameters.filter(isAxisMeta);
  if (section?.size) {
    if (!framed) issues.push('block.size: needs the extent to cut: give block.volume or block.bounds');
    if (axisMetas.length) {
      issues.push(`block.size: the blocks are already given by the ${axisMetas.map((m) => m.name).join(', ')} metaparameters (min/max); give one or the other`);
    }
    if (!framed || axisMetas.length) return undefined;
    return {
      source: 'block-section',
      ...(section.volume ? { volume: section.volume } : {}),
      shape: framed.shape,
      grid: blockGrid({ bounds: framed.frame, size: section.size, halo, frame: framed.frame }),
      inputs: section.inputs ?? { ...DEFAULT_BLOCK_INPUTS },
    };
  }
  const intAxes = axisMetas.every((m) => m.range.kind === 'arange' && !m.range.float);
  if (axisMetas.length === 0 || !intAxes) {
    if (section) issues.push('block: no blocks to cut: give block.size, or x, y and z metaparameters with {min, max} and integer ranges');
    return undefined;
  }
  const bounds: Box3 = { start: [0, 0, 0], stop: [0, 0, 0] };
  const size: Vec3 = [0, 0, 0];
  const missing: string[] = [];
  AXES.forEach((axis, a) => {
    const m = axisMetas.find((x) => x.name === axis);
    if (m && m.range.kind === 'arange') {
      bounds.start[a] = m.range.start;
      bounds.stop[a] = m.range.stop;
      size[a] = m.range.step;
    } else if (framed) {
      bounds.start[a] = framed.frame.start[a]!;
      bounds.stop[a] = framed.frame.stop[a]!;
      size[a] = bounds.stop[a]! - bounds.start[a]!;
    } else missing.push(axis);
  });
  if (missing.length) {
    if (section) issues.push(`block: the metaparameters give no range for axis ${missing.join(', ')}: give block.volume or block.bounds`);
    return undefined;
  }
  return {
    source: 'metaparameters',
    ...(section?.volume ? { volume: section.volume } : {}),
    shape: framed ? framed.shape : ([...bounds.stop] as Vec3),
    grid: blockGrid({ bounds, size, halo, frame: framed?.frame ?? bounds }),
    inputs: section?.inputs ?? {},
  };
}

/**
 * Combines a parameterization with its blocks into a plan: checks the block section,
 * finds the block geometry (a `block:` section with `size`, or the original's `x`,
 * `y`, `z` min/max metaparameters) and numbers the iterations. With a block section
 * the blocks are the outermost factor (all metaparameter combinations of block 0,
 * then of block 1, ...); otherwise the order is exactly the original's.
 *
 * @throws SweepDefinitionError listing every problem
 */
export function planSweep(p: Parameterization, options: PlanSweepOptions = {}): SweepPlan {
  const issues: string[] = [];
  if (options.block && p.block) issues.push('block: given both in the parameterization file and in the request; give one');
  const section = options.block ?? p.block;
  const geometry = geometryOf(p, section, options.volumeShape, issues);
  const metaTotal = iterationCount(p);
  const blockFactor = geometry?.source === 'block-section' ? geometry.grid.total : 1;
  const total = metaTotal * blockFactor;
  const max = options.maxIterations ?? MAX_SWEEP_ITERATIONS;
  if (total > max) issues.push(`(root): the sweep has ${total} iterations, more than the limit of ${max}`);
  if (issues.length) throw new SweepDefinitionError(issues);

  const axisIndex = (m: Metaparameter) => (geometry?.source === 'metaparameters' && isAxisMeta(m) ? AXES.indexOf(m.name as 'x') : -1);
  const groupMetas = p.metaparameters.filter((m) => axisIndex(m) < 0);
  const groups = geometry ? groupMetas.reduce((n, m) => n * rangeLength(m.range), 1) : 0;

  const iteration = (index: number): PlannedIteration => {
    if (!Number.isInteger(index) || index < 0 || index >= total) throw new RangeError(`iteration ${index} is outside [0, ${total})`);
    const metaIndex = index % metaTotal;
    const digits = iterationDigits(p, metaIndex);
    const it: PlannedIteration = { index, steps: {}, assignments: [] };
    const position: Vec3 = [0, 0, 0];
    let group = 0;
    p.metaparameters.forEach((m, j) => {
      const a = axisIndex(m);
      if (a >= 0) position[a] = digits[j]!;
      else group = group * rangeLength(m.range) + digits[j]!;
      for (const v of assignmentsOf(m, digits[j]!)) {
        it.assignments.push(v);
        for (const step of v.steps ?? []) (it.steps[step] ??= {})[v.input] = v.value.text;
      }
    });
    if (geometry) {
      it.block = geometry.source === 'block-section' ? geometry.grid.block(Math.floor(index / metaTotal)) : geometry.grid.blockAt(position);
      it.group = group;
    }
    return it;
  };
  return { parameterization: p, ...(geometry ? { geometry } : {}), total, groups, iteration };
}
