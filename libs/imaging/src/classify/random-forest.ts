import { ImagingOptionError, ImagingShapeError, ImagingValueError } from '../errors/imaging-errors';
import { nativeKernels } from '../native/native-kernels';
import { mulberry32 } from './random';

/** Options of {@link trainRandomForest}. */
export interface RandomForestOptions {
  /** Number of trees. Default 32. */
  readonly trees?: number;
  /** Deepest level a node may have (the root is depth 0). Default 20. */
  readonly maxDepth?: number;
  /** Fewest (bootstrap) samples a leaf may hold. Default 1. */
  readonly minSamplesLeaf?: number;
  /** Features tried at each split. Default `round(sqrt(features))`. */
  readonly featuresPerSplit?: number;
  /** Candidate thresholds per feature: quantile bins of the training values (2..256). Default 64. */
  readonly bins?: number;
  /** Draw each tree's samples with replacement (bagging). Default true; false: every tree sees every sample once. */
  readonly bootstrap?: boolean;
  /** Samples per tree as a fraction of the training set, when bootstrapping. Default 1. */
  readonly sampleFraction?: number;
  /** Seed of the deterministic generator (bootstrap draws, feature choices). Default 1. */
  readonly seed?: number;
}

/**
 * One tree in flat arrays. Node 0 is the root; an internal node `k` sends a sample to
 * `left[k]` when `x[feature[k]] <= threshold[k]`, else to `left[k] + 1`; a leaf has
 * `feature[k] = -1` and class probabilities `value[k * classes .. + classes)`.
 */
export interface DecisionTree {
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly left: Int32Array;
  readonly value: Float32Array;
}

/** A trained forest: plain data, serializable with `forestToJson`. */
export interface RandomForestModel {
  /** Number of classes; labels are `0..classes-1`. */
  readonly classes: number;
  /** Features per sample. */
  readonly features: number;
  readonly trees: readonly DecisionTree[];
  /** Out-of-bag accuracy (samples never drawn by at least one tree), when bootstrapping. */
  readonly oobAccuracy?: number;
}

/**
 * Trains a random forest classifier (Breiman 2001) with histogram splits: every feature is cut
 * once into at most `bins` quantile bins of the training values, and each split takes the bin
 * boundary with the lowest weighted Gini impurity among `featuresPerSplit` random features (if
 * none of them can split, the remaining features are tried in random order). Samples are rows of
 * `features` (`x[i * nFeatures + f]`, Float32, voxel-major as `featureStack` returns them);
 * `labels[i]` is the class `0..K-1`. Deterministic for a seed. Cost per tree
 * O(samples * featuresPerSplit * depth + nodes * featuresPerSplit * bins * classes); scratch:
 * one byte per sample and feature (the bin codes).
 *
 * ml-random-forest 2.1.0 was measured first: 50 s for 5,000 samples x 20 features x 10
 * trees, far from the 200k-sample training sets pixel classification needs.
 */
export function trainRandomForest(features: Float32Array, nFeatures: number, labels: ArrayLike<number>, options: RandomForestOptions = {}): RandomForestModel {
  const n = labels.length;
  if (!Number.isInteger(nFeatures) || nFeatures < 1) throw new ImagingOptionError(`nFeatures must be an integer >= 1, got ${nFeatures}`);
  if (features.length !== n * nFeatures) throw new ImagingShapeError(`features hold ${features.length} values, ${n} samples x ${nFeatures} features need ${n * nFeatures}`);
  if (n === 0) throw new ImagingValueError('no training samples');
  let K = 0;
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0) throw new ImagingValueError(`label ${i} is ${l}; labels must be integers 0..K-1`);
    if (l + 1 > K) K = l + 1;
  }
  const o = compileOptions(options, nFeatures);
  for (let i = 0; i < features.length; i++) if (Number.isNaN(features[i])) throw new ImagingValueError(`feature value ${i} is NaN`);
  const { codes, edges } = binFeatures(features, n, nFeatures, o.bins);
  const rand = mulberry32(o.seed);
  const y = Uint8Array.from({ length: n }, (_, i) => labels[i]);
  if (K > 255) throw new ImagingValueError(`at most 255 classes, got ${K}`);
  const trees: DecisionTree[] = [];
  const oobVotes = o.bootstrap ? new Float32Array(n * K) : null;
  const oobSeen = o.bootstrap ? new Uint8Array(n) : null;
  const m = o.bootstrap ? Math.max(1, Math.round(o.sampleFraction * n)) : n;
  const idx = new Int32Array(m);
  const drawn = new Uint8Array(n);
  for (let t = 0; t < o.trees; t++) {
    drawn.fill(0);
    if (o.bootstrap) {
      for (let i = 0; i < m; i++) {
        const s = Math.floor(rand() * n);
        idx[i] = s;
        drawn[s] = 1;
      }
    } else for (let i = 0; i < n; i++) idx[i] = i;
    const tree = growTree(codes, edges, y, K, n, nFeatures, idx, o, rand);
    trees.push(tree);
    if (oobVotes && oobSeen) {
      for (let i = 0; i < n; i++) {
        if (drawn[i]) continue;
        const leaf = findLeaf(tree, features, i * nFeatures);
        for (let c = 0; c < K; c++) oobVotes[i * K + c] += tree.value[leaf * K + c];
        oobSeen[i] = 1;
      }
    }
  }
  let oobAccuracy: number | undefined;
  if (oobVotes && oobSeen) {
    let seen = 0;
    let right = 0;
    for (let i = 0; i < n; i++) {
      if (!oobSeen[i]) continue;
      seen++;
      if (argmax(oobVotes, i * K, K) === y[i]) right++;
    }
    if (seen > 0) oobAccuracy = right / seen;
  }
  return { classes: K, features: nFeatures, trees, ...(oobAccuracy === undefined ? {} : { oobAccuracy }) };
}

/** Samples per chunk of {@link predictForest}. */
const PREDICT_CHUNK = 4096;

/**
 * Class probabilities of every sample (`x[i * features + f]`): the mean of the trees' leaf
 * distributions, `out[i * classes + c]`. O(samples * trees * depth).
 */
export function predictForest(model: RandomForestModel, features: Float32Array, out?: Float32Array): Float32Array {
  const F = model.features;
  const K = model.classes;
  if (features.length % F !== 0) throw new ImagingShapeError(`features hold ${features.length} values, not a multiple of ${F} features`);
  const n = features.length / F;
  const probs = out ?? new Float32Array(n * K);
  if (probs.length !== n * K) throw new ImagingShapeError(`output holds ${probs.length} values, ${n} samples x ${K} classes need ${n * K}`);
  const T = model.trees.length;
  const native = nativeKernels();
  if (native && T > 0 && n > 0) {
    const flat = flatTrees(model);
    native.predictForest(features, F, K, T, flat.roots, flat.depths, flat.nodes, flat.value, probs);
    return probs;
  }
  // Tree by tree over chunks of samples, so that one tree's arrays stay in cache; each
  // sample's sum still runs over the trees in order, so the result does not depend on CHUNK.
  const acc = new Float64Array(Math.min(n, PREDICT_CHUNK) * K);
  for (let i0 = 0; i0 < n; i0 += PREDICT_CHUNK) {
    const m = Math.min(PREDICT_CHUNK, n - i0);
    acc.fill(0);
    for (let t = 0; t < T; t++) {
      const tree = model.trees[t];
      const feature = tree.feature;
      const threshold = tree.threshold;
      const left = tree.left;
      const v = tree.value;
      for (let j = 0, base = i0 * F; j < m; j++, base += F) {
        let k = 0;
        let f = feature[0];
        while (f >= 0) {
          k = features[base + f] <= threshold[k] ? left[k] : left[k] + 1;
          f = feature[k];
        }
        const a = j * K;
        const vk = k * K;
        for (let c = 0; c < K; c++) acc[a + c] += v[vk + c];
      }
    }
    for (let j = 0; j < m * K; j++) probs[i0 * K + j] = acc[j] / T;
  }
  return probs;
}

/**
 * The first node of `tree` that is neither a leaf (feature -1) nor a split on a feature below
 * `features` whose two children come after it and inside the tree; -1 when every node is one
 * or the other. Children after their parent also mean no cycles: every walk ends in a leaf.
 */
export function inconsistentNode(tree: DecisionTree, features: number): number {
  const n = tree.feature.length;
  for (let k = 0; k < n; k++) {
    const f = tree.feature[k];
    if (f !== -1 && !(f >= 0 && f < features && tree.left[k] > k && tree.left[k] + 1 < n)) return k;
  }
  return -1;
}

/**
 * A forest's trees end to end, for the native loop: tree `t`'s nodes start at `roots[t]`
 * (child indices stay tree-local) and its deepest leaf is `depths[t]` steps down. Each node is
 * 16 bytes of `nodes`: feature (int32; 0 for a leaf), threshold (float32), left and right child
 * (int32; `right = left + 1`, and a leaf's own index in both: a leaf keeps the samples that reach
 * it, so every sample can take `depths[t]` steps).
 */
interface FlatTrees {
  roots: Int32Array;
  depths: Int32Array;
  nodes: Int32Array;
  value: Float32Array;
}

const flattened = new WeakMap<RandomForestModel, FlatTrees>();

function flatTrees(model: RandomForestModel): FlatTrees {
  const known = flattened.get(model);
  if (known) return known;
  const K = model.classes;
  const count = model.trees.reduce((s, t) => s + t.feature.length, 0);
  const buffer = new ArrayBuffer(count * 16);
  const flat: FlatTrees = { roots: new Int32Array(model.trees.length), depths: new Int32Array(model.trees.length), nodes: new Int32Array(buffer), value: new Float32Array(count * K) };
  const thresholds = new Float32Array(buffer);
  let at = 0;
  model.trees.forEach((t, i) => {
    const size = t.feature.length;
    flat.roots[i] = at;
    flat.value.set(t.value, at * K);
    // The compiled walk reads what the indices say: check them (as forestFromJson does).
    const bad = inconsistentNode(t, model.features);
    if (bad >= 0) {
      throw new ImagingValueError(`forest: tree ${i} node ${bad} has feature ${t.feature[bad]} and children ${t.left[bad]}, ${t.left[bad] + 1} (of ${size} nodes, ${model.features} features)`);
    }
    for (let k = 0; k < size; k++) {
      const leaf = t.feature[k] < 0;
      const o = (at + k) * 4;
      flat.nodes[o] = leaf ? 0 : t.feature[k];
      thresholds[o + 1] = t.threshold[k];
      flat.nodes[o + 2] = leaf ? k : t.left[k];
      flat.nodes[o + 3] = leaf ? k : t.left[k] + 1;
    }
    // The deepest leaf, walking down from the root.
    const stack = [0, 0];
    while (stack.length > 0) {
      const d = stack.pop() as number;
      const k = stack.pop() as number;
      if (t.feature[k] < 0) flat.depths[i] = Math.max(flat.depths[i], d);
      else stack.push(t.left[k], d + 1, t.left[k] + 1, d + 1);
    }
    at += size;
  });
  flattened.set(model, flat);
  return flat;
}

interface Compiled {
  trees: number;
  maxDepth: number;
  minLeaf: number;
  mtry: number;
  bins: number;
  bootstrap: boolean;
  sampleFraction: number;
  seed: number;
}

function compileOptions(options: RandomForestOptions, F: number): Compiled {
  const int = (name: string, v: number, min: number, max = Infinity): number => {
    if (!Number.isInteger(v) || v < min || v > max) throw new ImagingOptionError(`${name} must be an integer in [${min}, ${max}], got ${v}`);
    return v;
  };
  const sampleFraction = options.sampleFraction ?? 1;
  if (!(sampleFraction > 0) || !Number.isFinite(sampleFraction)) throw new ImagingOptionError(`sampleFraction must be > 0, got ${sampleFraction}`);
  return {
    trees: int('trees', options.trees ?? 32, 1),
    maxDepth: int('maxDepth', options.maxDepth ?? 20, 0, 64),
    minLeaf: int('minSamplesLeaf', options.minSamplesLeaf ?? 1, 1),
    mtry: int('featuresPerSplit', options.featuresPerSplit ?? Math.max(1, Math.round(Math.sqrt(F))), 1, F),
    bins: int('bins', options.bins ?? 64, 2, 256),
    bootstrap: options.bootstrap ?? true,
    sampleFraction,
    seed: int('seed', options.seed ?? 1, 0, 2 ** 32 - 1),
  };
}

/**
 * Quantile bins per feature: `edges[f]` holds up to `bins - 1` increasing training values;
 * `code = #edges < x`, so `code <= b` exactly when `x <= edges[f][b]` (the split threshold).
 */
function binFeatures(x: Float32Array, n: number, F: number, bins: number): { codes: Uint8Array; edges: Float32Array[] } {
  const codes = new Uint8Array(n * F);
  const edges: Float32Array[] = [];
  const col = new Float32Array(n);
  for (let f = 0; f < F; f++) {
    for (let i = 0; i < n; i++) col[i] = x[i * F + f];
    const sorted = col.slice().sort();
    const e: number[] = [];
    for (let b = 1; b < bins; b++) {
      const v = sorted[Math.min(n - 1, Math.floor((b * n) / bins))];
      // The edge sits below the quantile value so that value starts the next bin.
      const prev = sortedPrev(sorted, v);
      if (prev !== undefined && (e.length === 0 || prev > e[e.length - 1])) e.push(prev);
    }
    const ef = Float32Array.from(e);
    edges.push(ef);
    const base = f * n;
    for (let i = 0; i < n; i++) codes[base + i] = countBelow(ef, col[i]);
  }
  return { codes, edges };
}

/** The largest value of `sorted` strictly below `v`, or undefined. */
function sortedPrev(sorted: Float32Array, v: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? sorted[lo - 1] : undefined;
}

/** Number of entries of the increasing `e` strictly below `v`. */
function countBelow(e: Float32Array, v: number): number {
  let lo = 0;
  let hi = e.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (e[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function growTree(
  codes: Uint8Array,
  edges: Float32Array[],
  y: Uint8Array,
  K: number,
  n: number,
  F: number,
  idx: Int32Array,
  o: Compiled,
  rand: () => number,
): DecisionTree {
  let cap = 64;
  let feature = new Int32Array(cap);
  let threshold = new Float32Array(cap);
  let left = new Int32Array(cap);
  let value = new Float32Array(cap * K);
  let nodes = 1;
  const grow = (need: number): void => {
    if (need <= cap) return;
    while (cap < need) cap *= 2;
    const f2 = new Int32Array(cap);
    f2.set(feature);
    feature = f2;
    const t2 = new Float32Array(cap);
    t2.set(threshold);
    threshold = t2;
    const l2 = new Int32Array(cap);
    l2.set(left);
    left = l2;
    const v2 = new Float32Array(cap * K);
    v2.set(value);
    value = v2;
  };
  const hist = new Float64Array(256 * K);
  const counts = new Float64Array(K);
  const leftCounts = new Float64Array(K);
  const order = Int32Array.from({ length: F }, (_, f) => f);
  // Work stack of (node, start, end, depth).
  const stack: number[] = [0, 0, idx.length, 0];
  while (stack.length) {
    const depth = stack.pop() as number;
    const end = stack.pop() as number;
    const start = stack.pop() as number;
    const node = stack.pop() as number;
    counts.fill(0);
    for (let i = start; i < end; i++) counts[y[idx[i]]]++;
    const size = end - start;
    let classesPresent = 0;
    for (let c = 0; c < K; c++) if (counts[c] > 0) classesPresent++;
    let bestF = -1;
    let bestB = -1;
    if (classesPresent > 1 && depth < o.maxDepth && size >= 2 * o.minLeaf) {
      let parentScore = 0;
      for (let c = 0; c < K; c++) parentScore += counts[c] * counts[c];
      parentScore /= size;
      let bestScore = parentScore; // sum_c l_c^2 / nL + sum_c r_c^2 / nR; larger is purer
      // Partial Fisher-Yates: features are drawn without replacement until one splits.
      for (let tried = 0; tried < F; tried++) {
        if (tried >= o.mtry && bestF >= 0) break;
        const pick = tried + Math.floor(rand() * (F - tried));
        const f = order[pick];
        order[pick] = order[tried];
        order[tried] = f;
        const nb = edges[f].length + 1;
        if (nb < 2) continue;
        hist.fill(0, 0, nb * K);
        const base = f * n;
        for (let i = start; i < end; i++) {
          const s = idx[i];
          hist[codes[base + s] * K + y[s]]++;
        }
        leftCounts.fill(0);
        let nL = 0;
        for (let b = 0; b < nb - 1; b++) {
          let add = 0;
          for (let c = 0; c < K; c++) {
            const h = hist[b * K + c];
            leftCounts[c] += h;
            add += h;
          }
          if (add === 0) continue;
          nL += add;
          const nR = size - nL;
          if (nL < o.minLeaf) continue;
          if (nR < o.minLeaf) break;
          let sl = 0;
          let sr = 0;
          for (let c = 0; c < K; c++) {
            const l = leftCounts[c];
            const r = counts[c] - l;
            sl += l * l;
            sr += r * r;
          }
          const score = sl / nL + sr / nR;
          if (score > bestScore * (1 + 1e-12)) {
            bestScore = score;
            bestF = f;
            bestB = b;
          }
        }
      }
    }
    if (bestF < 0) {
      feature[node] = -1;
      for (let c = 0; c < K; c++) value[node * K + c] = counts[c] / size;
      continue;
    }
    // Partition idx[start, end) into code <= bestB, then the rest.
    const base = bestF * n;
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (codes[base + idx[i]] <= bestB) i++;
      else {
        const t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        j--;
      }
    }
    grow(nodes + 2);
    feature[node] = bestF;
    threshold[node] = edges[bestF][bestB];
    left[node] = nodes;
    stack.push(nodes + 1, i, end, depth + 1);
    stack.push(nodes, start, i, depth + 1);
    nodes += 2;
  }
  return {
    feature: feature.slice(0, nodes),
    threshold: threshold.slice(0, nodes),
    left: left.slice(0, nodes),
    value: value.slice(0, nodes * K),
  };
}

function findLeaf(tree: DecisionTree, x: Float32Array, base: number): number {
  let k = 0;
  while (tree.feature[k] >= 0) k = x[base + tree.feature[k]] <= tree.threshold[k] ? tree.left[k] : tree.left[k] + 1;
  return k;
}

function argmax(a: Float32Array, base: number, K: number): number {
  let best = 0;
  for (let c = 1; c < K; c++) if (a[base + c] > a[base + best]) best = c;
  return best;
}
