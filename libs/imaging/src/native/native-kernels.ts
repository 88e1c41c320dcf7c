import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ImagingOptionError } from '../errors/imaging-errors';
import type { UnsignedLabels } from '../labeling/label-map';

/**
 * The compiled twins of the hottest loops (`native/saber-imaging.c`, built by `npm run build`
 * into `dist/native/saber-imaging.node` where a C compiler and Node's headers are installed).
 * Each returns what the TypeScript loop returns, bit for bit (the Hessian eigenvalues excepted:
 * libm's acos/cos round within an ulp of V8's); tests run both and compare.
 */
export interface NativeKernels {
  /** Along z (axis 0) only output planes `[z0, z1)`, into `dst`'s first `z1 - z0` planes; other axes take `0, Z`. */
  convolveAxis(src: ArrayBufferView, dst: Float64Array | Float32Array, Z: number, Y: number, X: number, axis: number, w: Float64Array, sym: number, z0: number, z1: number): void;
  eigen3(
    zz: Float64Array,
    zy: Float64Array,
    zx: Float64Array,
    yy: Float64Array,
    yx: Float64Array,
    xx: Float64Array,
    o0: Float64Array,
    o1: Float64Array,
    o2: Float64Array,
  ): void;
  predictForest(
    x: Float32Array,
    F: number,
    K: number,
    T: number,
    roots: Int32Array,
    depths: Int32Array,
    nodes: Int32Array,
    value: Float32Array,
    out: Float32Array,
  ): void;
  interleave(columns: Float64Array[], dst: Float32Array, column: number, F: number): void;
  clearAndUpdate(
    work: Float32Array | Float64Array,
    corr: Float64Array,
    Z: number,
    Y: number,
    X: number,
    cz: number,
    cy: number,
    cx: number,
    clearDz: Int32Array,
    clearDy: Int32Array,
    clearDx: Int32Array,
    tDz: Int32Array,
    tDy: Int32Array,
    tHalfWidth: Int32Array,
    box: Int32Array,
    diff: Float64Array,
  ): void;
  ballSum(input: ArrayBufferView, Z: number, Y: number, X: number, dz: Int32Array, dy: Int32Array, halfWidth: Int32Array, Rz: number, out: Float32Array | Float64Array): void;
  centralDifference(g: Float64Array, Z: number, Y: number, X: number, z0: number, planes: number, oz: number, oy: number, ox: number, out: Float64Array): void;
  /** `kinds`: 1 gaussian, 2 gradient magnitude, 4 laplacian, 8 Hessian eigenvalues (columns in that order from `column`). */
  differenceFeatures(g: Float64Array, Z: number, Y: number, X: number, z0: number, planes: number, kinds: number, stack: Float32Array, column: number, F: number): void;
  labelMax(labels: UnsignedLabels): number;
  mapLabels(ids: UnsignedLabels, table: Uint32Array, out: Uint32Array): number;
}

/** Which loops run (`SABER_IMAGING_KERNELS`): `native` (an error when not built), `js`, or `auto` (native when built). */
export const IMAGING_KERNEL_KINDS = ['auto', 'native', 'js'] as const;
export type ImagingKernelKind = (typeof IMAGING_KERNEL_KINDS)[number];

/**
 * Where `npm run build` puts the addon: beside this module's compiled file. A bundle of this
 * library (a tool's dist/bundle.js) lives elsewhere: it finds the addon in the @saber/imaging
 * package it resolves (the workspace's node_modules, or NODE_PATH in a tool image).
 */
export const NATIVE_KERNELS_PATH = nativeKernelsPath();

function nativeKernelsPath(): string {
  const beside = join(__dirname, 'saber-imaging.node');
  if (existsSync(beside)) return beside;
  try {
    // Not an import: the installed package's place on disk, for a bundle that inlined this file.
    // eslint-disable-next-line @nx/enforce-module-boundaries
    return join(dirname(require.resolve('@saber/imaging/package.json')), 'dist/native/saber-imaging.node');
  } catch {
    return beside;
  }
}

const loaded = new Map<string, { kernels: NativeKernels | null; error?: string }>();
let active: NativeKernels | null | undefined;

/** The addon at `path`, or null with why (missing, or a file Node cannot load: another platform, a broken build). */
function load(path: string): { kernels: NativeKernels | null; error?: string } {
  let entry = loaded.get(path);
  if (!entry) {
    if (!existsSync(path)) entry = { kernels: null, error: `${path} is missing` };
    else {
      try {
        // A Node-API addon loads only through require.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        entry = { kernels: require(path) as NativeKernels };
      } catch (e) {
        entry = { kernels: null, error: `${path} does not load: ${(e as Error).message.split('\n')[0]}` };
      }
    }
    loaded.set(path, entry);
  }
  return entry;
}

/**
 * Picks the loops every kernel uses from now on in this process: `js`, `native` (throws
 * {@link ImagingOptionError} when the addon is missing or does not load), or `auto` (the
 * addon when it loads, else the TypeScript loops). Returns the kind in use. Without a call,
 * the first kernel that asks takes `auto`.
 */
export function useImagingKernels(kind: ImagingKernelKind = 'auto', path = NATIVE_KERNELS_PATH): 'native' | 'js' {
  if (!IMAGING_KERNEL_KINDS.includes(kind)) throw new ImagingOptionError(`imaging kernels must be one of ${IMAGING_KERNEL_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  if (kind === 'js') active = null;
  else {
    const { kernels, error } = load(path);
    if (!kernels && kind === 'native') {
      throw new ImagingOptionError(`the native imaging kernels are not available (${error}): run \`npm run build\` where a C compiler (cc) and Node's headers are installed, or use the js kernels`);
    }
    active = kernels;
  }
  return active ? 'native' : 'js';
}

/** The native loops in use, or null for the TypeScript ones. */
export function nativeKernels(): NativeKernels | null {
  if (active === undefined) useImagingKernels('auto');
  return active ?? null;
}
