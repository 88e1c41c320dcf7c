import type { SourcePosition } from '../errors/cwl-errors';

/** Where a parsed mapping or sequence and its children were written. */
interface NodePositions {
  self: SourcePosition;
  /** Mapping: position of each key. */
  keys?: Record<string, SourcePosition>;
  /** Mapping: position of each value. */
  values?: Record<string, SourcePosition>;
  /** Sequence: position of each item. */
  items?: SourcePosition[];
}

/**
 * Remembers where parsed YAML objects came from, keyed by object identity, so
 * validation of the parsed (not yet normalized) tree can report `file:line:column`.
 * Objects created later (normalized copies) have no position; lookups fall back
 * to the nearest known ancestor passed by the caller.
 */
export class SourcePositions {
  private readonly nodes = new WeakMap<object, NodePositions>();

  /** Records positions of one parsed node (used by the YAML parser). */
  set(node: object, positions: NodePositions): void {
    this.nodes.set(node, positions);
  }

  /**
   * Position of `node`, of its key `key` (mapping) or item `key` (sequence), or
   * `undefined` when the node was not parsed from a file.
   */
  of(node: unknown, key?: string | number, which: 'key' | 'value' = 'key'): SourcePosition | undefined {
    if (node === null || typeof node !== 'object') return undefined;
    const entry = this.nodes.get(node);
    if (!entry) return undefined;
    if (key === undefined) return entry.self;
    if (typeof key === 'number') return entry.items?.[key] ?? entry.self;
    const table = which === 'key' ? entry.keys : entry.values;
    return table?.[key] ?? entry.keys?.[key] ?? entry.self;
  }
}
