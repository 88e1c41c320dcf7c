import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BlockGrid, box, buildSynapseGraph, parseSynapseGraphCsv, parseSynapseGraphGraphML, parseSynapseGraphJson, synapseGraphToCsv, synapseGraphToGraphML, synapseGraphToJson,
} from '../index';

describe('synapse graph', () => {
  const grid = new BlockGrid({ bounds: box([0, 0, 0], [1, 1, 20]), size: [1, 1, 10], halo: [0, 0, 4] });
  // Block 0's local label 1 and block 1's local label 2 are the same object (global 5), and so on.
  const ids: Record<string, number> = { '0:1': 5, '0:2': 6, '1:1': 7, '1:2': 5, '1:3': 0 };
  const globalId = (b: number, l: number | bigint) => ids[`${b}:${l}`] ?? 0;

  it('keeps each synapse in its owning block, maps its ends to global ids, and merges duplicate edges into weights', async () => {
    const graph = await buildSynapseGraph(grid, [
      { block: 0, synapses: [{ z: 0, y: 0, x: 2, pre: 1, post: 2 }, { z: 0, y: 0, x: 9, pre: 1, post: 2 }, { z: 0, y: 0, x: 11, pre: 1, post: 2 }] },
      { block: 1, synapses: [{ z: 0, y: 0, x: 9, pre: 2, post: 5 }, { z: 0, y: 0, x: 11, pre: 2, post: 1 }, { z: 0, y: 0, x: 12, pre: 2, post: 1 }, { z: 0, y: 0, x: 13, pre: 1, post: 2 }, { z: 0, y: 0, x: 14, pre: 3, post: 1 }] },
    ], globalId);
    assert.deepEqual(graph, {
      nodes: [5, 6, 7],
      edges: [{ pre: 5, post: 6, weight: 2 }, { pre: 5, post: 7, weight: 2 }, { pre: 7, post: 5, weight: 1 }],
      synapses: 6,
      unassigned: 1,
    });
  });

  it('writes node-link JSON, GraphML and CSV that parse back to the same graph', async () => {
    const graph = await buildSynapseGraph(grid, [{ block: 0, synapses: [{ z: 0, y: 0, x: 1, pre: 1, post: 2 }, { z: 0, y: 0, x: 3, pre: 2, post: 1 }, { z: 0, y: 0, x: 4, pre: 2, post: 1 }] }], globalId);
    const json = synapseGraphToJson(graph);
    assert.deepEqual(JSON.parse(json), {
      directed: true, multigraph: false, graph: { synapses: 3, unassigned: 0 }, nodes: [{ id: 5 }, { id: 6 }], links: [{ source: 5, target: 6, weight: 1 }, { source: 6, target: 5, weight: 2 }],
    });
    assert.deepEqual(parseSynapseGraphJson(json), graph);
    const graphml = synapseGraphToGraphML(graph);
    assert.match(graphml, /<edge source="6" target="5"><data key="weight">2<\/data><\/edge>/);
    assert.deepEqual(parseSynapseGraphGraphML(graphml), { ...graph, synapses: 3 });
    assert.equal(synapseGraphToCsv(graph), 'pre,post,weight\n5,6,1\n6,5,2\n');
    assert.deepEqual(parseSynapseGraphCsv(synapseGraphToCsv(graph)), graph);
  });
});
