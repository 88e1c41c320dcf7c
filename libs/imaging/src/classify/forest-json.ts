import { ImagingValueError } from '../errors/imaging-errors';
import { inconsistentNode, type DecisionTree, type RandomForestModel } from './random-forest';

/** Format tag of {@link forestToJson} documents. */
export const FOREST_FORMAT = 'saber-random-forest/1';

/** A forest as JSON: the tree arrays as little-endian base64 (about 4x smaller than number lists). */
export interface ForestJson {
  readonly format: typeof FOREST_FORMAT;
  readonly classes: number;
  readonly features: number;
  readonly oobAccuracy?: number;
  readonly trees: readonly { feature: string; threshold: string; left: string; value: string }[];
}

const b64 = (a: Int32Array | Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

function unb64<T extends Int32Array | Float32Array>(text: string, Ctor: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number }): T {
  const buf = Buffer.from(text, 'base64');
  if (buf.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) throw new ImagingValueError('forest array length is not a whole number of elements');
  const copy = new ArrayBuffer(buf.byteLength);
  new Uint8Array(copy).set(buf);
  return new Ctor(copy);
}

/** The forest as a JSON-ready object ({@link FOREST_FORMAT}). */
export function forestToJson(model: RandomForestModel): ForestJson {
  return {
    format: FOREST_FORMAT,
    classes: model.classes,
    features: model.features,
    ...(model.oobAccuracy === undefined ? {} : { oobAccuracy: model.oobAccuracy }),
    trees: model.trees.map((t) => ({ feature: b64(t.feature), threshold: b64(t.threshold), left: b64(t.left), value: b64(t.value) })),
  };
}

/**
 * Reads a forest written by {@link forestToJson}, checking the format tag and that every
 * tree is consistent (array lengths, child indices in range, features below `features`).
 */
export function forestFromJson(json: unknown): RandomForestModel {
  const o = json as Partial<ForestJson> | null;
  if (!o || o.format !== FOREST_FORMAT) throw new ImagingValueError(`not a ${FOREST_FORMAT} document`);
  const K = o.classes;
  const F = o.features;
  if (!Number.isInteger(K) || (K as number) < 1 || !Number.isInteger(F) || (F as number) < 1 || !Array.isArray(o.trees)) {
    throw new ImagingValueError('forest: classes, features and trees are required');
  }
  const trees: DecisionTree[] = o.trees.map((t, i) => {
    const tree = {
      feature: unb64(t.feature, Int32Array),
      threshold: unb64(t.threshold, Float32Array),
      left: unb64(t.left, Int32Array),
      value: unb64(t.value, Float32Array),
    };
    const nodes = tree.feature.length;
    const ok =
      nodes > 0 &&
      tree.threshold.length === nodes &&
      tree.left.length === nodes &&
      tree.value.length === nodes * (K as number) &&
      inconsistentNode(tree, F as number) < 0;
    if (!ok) throw new ImagingValueError(`forest: tree ${i} is inconsistent`);
    return tree;
  });
  return { classes: K as number, features: F as number, trees, ...(typeof o.oobAccuracy === 'number' ? { oobAccuracy: o.oobAccuracy } : {}) };
}
