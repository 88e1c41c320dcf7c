import { ToolUsageError } from './tool-errors';

/** A finite number, optionally an integer within bounds; `name` goes into the error message. */
export function parseNumber(name: string, text: string, bounds: { min?: number; max?: number; integer?: boolean } = {}): number {
  const v = Number(text);
  const { min = -Infinity, max = Infinity, integer = false } = bounds;
  if (text.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    const range = `${min === -Infinity ? '' : `>= ${min}`}${min !== -Infinity && max !== Infinity ? ' and ' : ''}${max === Infinity ? '' : `<= ${max}`}`;
    throw new ToolUsageError(`${name}: expected ${integer ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}, got ${JSON.stringify(text)}`);
  }
  return v;
}

/** A comma-separated list of numbers (`"0.7,1,1.6"`). */
export function parseNumberList(name: string, text: string, bounds: { min?: number; max?: number; integer?: boolean } = {}): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new ToolUsageError(`${name}: expected comma-separated numbers, got ${JSON.stringify(text)}`);
  return parts.map((p) => parseNumber(name, p, bounds));
}

/** Three comma-separated numbers `z,y,x` (one number means the same on every axis). */
export function parseTriple(name: string, text: string, bounds: { min?: number; integer?: boolean } = {}): [number, number, number] {
  const v = parseNumberList(name, text, bounds);
  if (v.length === 1) return [v[0], v[0], v[0]];
  if (v.length !== 3) throw new ToolUsageError(`${name}: expected z,y,x, got ${JSON.stringify(text)}`);
  return [v[0], v[1], v[2]];
}

/** A half-open range `start:stop` of non-negative integers (`"0:20"`; `":20"` and `"20:"` leave an end open). */
export function parseRange(name: string, text: string): { start?: number; stop?: number } {
  const m = /^\s*(\d*)\s*:\s*(\d*)\s*$/.exec(text);
  if (!m) throw new ToolUsageError(`${name}: expected start:stop, got ${JSON.stringify(text)}`);
  const start = m[1] === '' ? undefined : Number(m[1]);
  const stop = m[2] === '' ? undefined : Number(m[2]);
  if (start !== undefined && stop !== undefined && stop <= start) throw new ToolUsageError(`${name}: stop must be greater than start, got ${JSON.stringify(text)}`);
  return { ...(start === undefined ? {} : { start }), ...(stop === undefined ? {} : { stop }) };
}

/**
 * A label map `raw:class,...` (`"0:1,255:2"`): voxels holding `raw` get class `class` (an
 * integer >= 1); values not listed are unlabelled.
 */
export function parseLabelMap(name: string, text: string): Map<number, number> {
  const map = new Map<number, number>();
  for (const part of text.split(',')) {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*:\s*(\d+)\s*$/.exec(part);
    if (!m || Number(m[2]) < 1) throw new ToolUsageError(`${name}: expected raw:class pairs with class >= 1, got ${JSON.stringify(text)}`);
    map.set(Number(m[1]), Number(m[2]));
  }
  return map;
}

/** One of a fixed set of words. */
export function parseChoice<T extends string>(name: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) throw new ToolUsageError(`${name}: expected one of ${choices.join(', ')}, got ${JSON.stringify(text)}`);
  return text as T;
}

/** A box of a volume, half-open per axis, `(z, y, x)` (as `@saber/volume` boxes). */
export interface Box3 {
  start: [number, number, number];
  stop: [number, number, number];
}

/**
 * A box `z0:z1,y0:y1,x0:x1` (numpy slices, half-open, non-negative integers): what a block
 * sweep gives a block workflow as `box` (the core) and `halo_box` (the core with its halo).
 */
export function parseBox(name: string, text: string): Box3 {
  const parts = text.split(',');
  const ranges = parts.map((p) => /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(p));
  if (parts.length !== 3 || ranges.some((m) => !m)) throw new ToolUsageError(`${name}: expected z0:z1,y0:y1,x0:x1, got ${JSON.stringify(text)}`);
  const start = ranges.map((m) => Number(m![1])) as [number, number, number];
  const stop = ranges.map((m) => Number(m![2])) as [number, number, number];
  const empty = [0, 1, 2].find((a) => stop[a] <= start[a]);
  if (empty !== undefined) throw new ToolUsageError(`${name}: ${'zyx'[empty]}: stop must be greater than start, got ${JSON.stringify(text)}`);
  return { start, stop };
}

/** `z0:z1,y0:y1,x0:x1`, the text {@link parseBox} reads. */
export function formatBox(box: Box3): string {
  return [0, 1, 2].map((a) => `${box.start[a]}:${box.stop[a]}`).join(',');
}
