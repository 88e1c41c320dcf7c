import { join, resolve } from 'node:path';
import { openVolume } from '@saber/volume';
import type { Vec3 } from '../grid/block-grid';

/** The repository root (this file is `libs/blockmerge/{src,dist}/acceptance/fixtures`). */
export const REPO_ROOT = resolve(__dirname, '../../../..');

/** gala-train's boundary probability (float32, (50, 100, 200)), as the data README names it. */
export async function galaBoundaryProbability(): Promise<{ data: Float32Array; shape: Vec3 }> {
  const store = await openVolume(`h5://${join(REPO_ROOT, '../shared/data/gala-train/train-p1.lzf.h5')}`);
  try {
    return { data: (await store.read()) as Float32Array, shape: [store.shape[0]!, store.shape[1]!, store.shape[2]!] };
  } finally {
    await store.close();
  }
}

/** 1 where `p < t`: the cell interiors of a boundary probability. */
export function below(p: Float32Array, t: number): Uint8Array {
  const m = new Uint8Array(p.length);
  for (let i = 0; i < p.length; i++) m[i] = p[i]! < t ? 1 : 0;
  return m;
}
