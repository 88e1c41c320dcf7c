import { detectionScores, type DetectionScores } from './detection-scores';

/** A graph node id. */
export type NodeId = number | bigint | string;

/** An edge `[from, to]`. */
export type Edge = readonly [NodeId, NodeId];

/** Options of {@link graphScores}. */
export interface GraphScoresOptions {
  /** Treat `[a, b]` and `[b, a]` as different edges. Default false (undirected). */
  readonly directed?: boolean;
}

/**
 * Edge-set precision, recall and F1 of a predicted graph against a true graph, both given as
 * edge lists over shared node ids: `matched = |E_pred ∩ E_true|`, precision `matched / |E_pred|`,
 * recall `matched / |E_true|`. Edge lists are sets (duplicates count once); undirected by
 * default. Node ids compare by type and value (`1`, `1n` and `'1'` are three nodes). Empty
 * conventions as {@link detectionScores}. O(E).
 */
export function graphScores(predicted: readonly Edge[], truth: readonly Edge[], options: GraphScoresOptions = {}): DetectionScores {
  const directed = options.directed ?? false;
  const truthSet = edgeSet(truth, directed);
  const predSet = edgeSet(predicted, directed);
  let matched = 0;
  for (const e of predSet) if (truthSet.has(e)) matched++;
  return detectionScores(matched, predSet.size, truthSet.size);
}

function edgeSet(edges: readonly Edge[], directed: boolean): Set<string> {
  const set = new Set<string>();
  for (const [a, b] of edges) {
    const ka = nodeKey(a);
    const kb = nodeKey(b);
    set.add(directed || ka <= kb ? `${ka}\u0000${kb}` : `${kb}\u0000${ka}`);
  }
  return set;
}

function nodeKey(v: NodeId): string {
  return `${typeof v}:${String(v)}`;
}
