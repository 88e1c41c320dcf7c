/**
 * Contiguous runs of a box inside a C-order array: the unit of positional file I/O for
 * uncompressed layouts (`.npy`, uncompressed TIFF pages).
 */
import type { BBox } from '../volume.types';
import { bboxShape } from './bbox';
import { cStrides } from './copy-region';

/** One contiguous run: element offsets in the stored array and in the box's C-order buffer. */
export interface Run {
  storage: number;
  buffer: number;
  length: number;
}

/** The runs of `box` in a C-order array of `shape`, in storage order; full trailing axes merge into one run. */
export function boxRuns(shape: readonly number[], box: BBox): Run[] {
  const n = shape.length;
  const size = bboxShape(box);
  const strides = cStrides(shape);
  // Axes from `inner` on form one contiguous run: every axis after `inner` is fully covered.
  let inner = n - 1;
  while (inner > 0 && size[inner] === shape[inner]) inner--;
  let length = 1;
  for (let i = inner; i < n; i++) length *= size[i];
  let base = 0;
  for (let i = 0; i < n; i++) base += box.start[i] * strides[i];
  const runs: Run[] = [];
  const counter = new Array<number>(inner).fill(0);
  let storage = base;
  let buffer = 0;
  for (;;) {
    runs.push({ storage, buffer, length });
    buffer += length;
    let axis = inner - 1;
    while (axis >= 0) {
      counter[axis]++;
      storage += strides[axis];
      if (counter[axis] < size[axis]) break;
      storage -= strides[axis] * size[axis];
      counter[axis] = 0;
      axis--;
    }
    if (axis < 0) return runs;
  }
}

/**
 * Runs `fn` over `items` with at most `limit` in flight; results keep the input order. After
 * the first failure no new item starts; the promise rejects with that failure.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Natural order of file names: `2.png` before `10.png`. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Largest gap between two runs (bytes) that {@link coalesceRuns} reads through rather than skips. */
export const COALESCE_GAP_BYTES = 64 * 1024;
/** Largest span (bytes) that {@link coalesceRuns} reads at once. */
export const COALESCE_SPAN_BYTES = 8 * 1024 * 1024;

/**
 * Groups runs (in storage order, as {@link boxRuns} gives them) into spans read with one
 * positional read each: a run joins the current span when the gap before it is at most
 * `maxGap` bytes and the span stays within `maxSpan` bytes. A run longer than `maxSpan` is a
 * span of its own. `size` is the element size in bytes.
 */
export function coalesceRuns(runs: readonly Run[], size: number, maxGap = COALESCE_GAP_BYTES, maxSpan = COALESCE_SPAN_BYTES): Run[][] {
  const spans: Run[][] = [];
  let span: Run[] = [];
  let start = 0;
  let end = 0;
  for (const run of runs) {
    const runEnd = run.storage + run.length;
    if (span.length > 0 && (run.storage - end) * size <= maxGap && (runEnd - start) * size <= maxSpan && run.storage >= end) {
      span.push(run);
      end = runEnd;
      continue;
    }
    if (span.length > 0) spans.push(span);
    span = [run];
    start = run.storage;
    end = runEnd;
  }
  if (span.length > 0) spans.push(span);
  return spans;
}
