import { InvalidBlockResultError } from '../errors';
import type { BlockGrid } from '../grid/block-grid';
import { ownerOf, type Detection } from '../detections/detections';

/** A synapse a block detected: its location, and the block-local labels of its pre- and postsynaptic objects. */
export interface Synapse extends Detection {
  readonly pre: number | bigint;
  readonly post: number | bigint;
}

/** A directed edge between global object ids; `weight` synapses were merged into it. */
export interface SynapseEdge {
  readonly pre: number;
  readonly post: number;
  readonly weight: number;
}

/** A connectivity graph over global object ids. */
export interface SynapseGraph {
  /** Object ids that take part in an edge, ascending. */
  readonly nodes: number[];
  /** Edges ordered by `(pre, post)`. */
  readonly edges: SynapseEdge[];
  /** Synapses counted (each once, by core ownership). */
  readonly synapses: number;
  /** Synapses dropped because an end maps to no object (label 0 or unknown). */
  readonly unassigned: number;
}

/**
 * Builds the synapse graph from every block's synapses: each synapse is kept by the block
 * that owns its location, its ends are mapped through the stitch's global ids
 * (`globalId(block, localLabel)`), and synapses between the same two objects are merged into
 * one edge whose weight counts them.
 */
export async function buildSynapseGraph(
  grid: BlockGrid,
  blocks: Iterable<{ block: number; synapses: Iterable<Synapse> }> | AsyncIterable<{ block: number; synapses: Iterable<Synapse> }>,
  globalId: (block: number, label: number | bigint) => number,
): Promise<SynapseGraph> {
  const weights = new Map<number, Map<number, number>>();
  let synapses = 0;
  let unassigned = 0;
  for await (const { block, synapses: list } of blocks) {
    for (const s of list) {
      if (ownerOf(grid, s) !== block) continue;
      synapses++;
      const pre = globalId(block, s.pre);
      const post = globalId(block, s.post);
      if (pre === 0 || post === 0) {
        unassigned++;
        continue;
      }
      let row = weights.get(pre);
      if (!row) weights.set(pre, (row = new Map()));
      row.set(post, (row.get(post) ?? 0) + 1);
    }
  }
  return graphOf(weights, synapses, unassigned);
}

/** Merges an edge list (duplicates add their weights) into a {@link SynapseGraph}. */
export function synapseGraphFromEdges(edges: Iterable<{ pre: number; post: number; weight?: number }>, synapses?: number, unassigned = 0): SynapseGraph {
  const weights = new Map<number, Map<number, number>>();
  let total = 0;
  for (const e of edges) {
    let row = weights.get(e.pre);
    if (!row) weights.set(e.pre, (row = new Map()));
    const w = e.weight ?? 1;
    row.set(e.post, (row.get(e.post) ?? 0) + w);
    total += w;
  }
  return graphOf(weights, synapses ?? total, unassigned);
}

function graphOf(weights: Map<number, Map<number, number>>, synapses: number, unassigned: number): SynapseGraph {
  const edges: SynapseEdge[] = [];
  const nodes = new Set<number>();
  for (const [pre, row] of weights) {
    for (const [post, weight] of row) {
      edges.push({ pre, post, weight });
      nodes.add(pre);
      nodes.add(post);
    }
  }
  edges.sort((a, b) => a.pre - b.pre || a.post - b.post);
  return { nodes: [...nodes].sort((a, b) => a - b), edges, synapses, unassigned };
}

/**
 * The graph as networkx node-link JSON (`networkx.node_link_graph(data, edges="links")`
 * reads it): `{directed, multigraph, graph, nodes: [{id}], links: [{source, target, weight}]}`.
 */
export function synapseGraphToJson(graph: SynapseGraph): string {
  return JSON.stringify({
    directed: true,
    multigraph: false,
    graph: { synapses: graph.synapses, unassigned: graph.unassigned },
    nodes: graph.nodes.map((id) => ({ id })),
    links: graph.edges.map((e) => ({ source: e.pre, target: e.post, weight: e.weight })),
  });
}

/** The graph as GraphML (directed; edge attribute `weight`, an int). */
export function synapseGraphToGraphML(graph: SynapseGraph): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    '  <key id="weight" for="edge" attr.name="weight" attr.type="int"/>',
    '  <graph id="synapses" edgedefault="directed">',
    ...graph.nodes.map((id) => `    <node id="${id}"/>`),
    ...graph.edges.map((e) => `    <edge source="${e.pre}" target="${e.post}"><data key="weight">${e.weight}</data></edge>`),
    '  </graph>',
    '</graphml>',
    '',
  ];
  return lines.join('\n');
}

/** The edges as CSV: header `pre,post,weight`, one edge per line. */
export function synapseGraphToCsv(graph: SynapseGraph): string {
  return ['pre,post,weight', ...graph.edges.map((e) => `${e.pre},${e.post},${e.weight}`), ''].join('\n');
}

/** Reads {@link synapseGraphToJson} output back. */
export function parseSynapseGraphJson(text: string): SynapseGraph {
  const data = JSON.parse(text) as { nodes?: Array<{ id: unknown }>; links?: Array<{ source: unknown; target: unknown; weight?: unknown }>; graph?: { synapses?: unknown; unassigned?: unknown } };
  if (!Array.isArray(data.links)) throw new InvalidBlockResultError('synapse graph JSON: "links" is not a list');
  const g = synapseGraphFromEdges(data.links.map((l) => ({ pre: Number(l.source), post: Number(l.target), weight: l.weight === undefined ? 1 : Number(l.weight) })));
  return withCounts(g, data.graph?.synapses, data.graph?.unassigned, data.nodes?.map((n) => Number(n.id)));
}

/** Reads GraphML with integer node ids and an optional `weight` edge attribute (what {@link synapseGraphToGraphML} writes). */
export function parseSynapseGraphGraphML(text: string): SynapseGraph {
  const nodes = [...text.matchAll(/<node\s+id="([^"]*)"/g)].map((m) => Number(m[1]));
  const edges = [...text.matchAll(/<edge\s+source="([^"]*)"\s+target="([^"]*)"\s*(?:\/>|>([\s\S]*?)<\/edge>)/g)].map((m) => {
    const w = /<data\s+key="weight">\s*([^<]*)<\/data>/.exec(m[3] ?? '');
    return { pre: Number(m[1]), post: Number(m[2]), weight: w ? Number(w[1]) : 1 };
  });
  return withCounts(synapseGraphFromEdges(edges), undefined, undefined, nodes);
}

/** Reads {@link synapseGraphToCsv} output back (header `pre,post[,weight]`). */
export function parseSynapseGraphCsv(text: string): SynapseGraph {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
  const pi = header.indexOf('pre');
  const qi = header.indexOf('post');
  const wi = header.indexOf('weight');
  if (pi < 0 || qi < 0) throw new InvalidBlockResultError(`synapse graph CSV: header must name pre and post, got "${header.join(',')}"`);
  return synapseGraphFromEdges(
    lines.map((l) => {
      const f = l.split(',');
      return { pre: Number(f[pi]), post: Number(f[qi]), weight: wi < 0 ? 1 : Number(f[wi]) };
    }),
  );
}

function withCounts(g: SynapseGraph, synapses: unknown, unassigned: unknown, nodes?: number[]): SynapseGraph {
  return {
    nodes: nodes ? [...new Set([...g.nodes, ...nodes])].sort((a, b) => a - b) : g.nodes,
    edges: g.edges,
    synapses: typeof synapses === 'number' ? synapses : g.synapses,
    unassigned: typeof unassigned === 'number' ? unassigned : g.unassigned,
  };
}
