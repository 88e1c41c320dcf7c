import { allocFloat, checkVolume } from '../core/shape';
import type { FloatArray, FloatDtype, NumericArray, Shape3 } from '../core/volume.types';
import { ImagingOptionError, ImagingShapeError } from '../errors/imaging-errors';

/** Twiddle factors and bit reversal of one power-of-two FFT length. */
class FftPlan {
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  readonly rev: Int32Array;

  constructor(readonly n: number) {
    this.cos = new Float64Array(n / 2);
    this.sin = new Float64Array(n / 2);
    for (let k = 0; k < n / 2; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / n);
      this.sin[k] = -Math.sin((2 * Math.PI * k) / n);
    }
    this.rev = new Int32Array(n);
    const bits = Math.round(Math.log2(n));
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.rev[i] = r;
    }
  }

  /**
   * In-place radix-2 FFT of the `n` complex values at `off, off + stride, ...` (forward:
   * `e^{-2πi kt/n}`; inverse: conjugate twiddles, no 1/n scaling).
   */
  run(re: Float64Array, im: Float64Array, off: number, stride: number, inverse: boolean): void {
    const n = this.n;
    const rev = this.rev;
    for (let i = 0; i < n; i++) {
      const j = rev[i];
      if (j <= i) continue;
      const a = off + i * stride;
      const b = off + j * stride;
      let t = re[a];
      re[a] = re[b];
      re[b] = t;
      t = im[a];
      im[a] = im[b];
      im[b] = t;
    }
    const sgn = inverse ? -1 : 1;
    for (let size = 2; size <= n; size <<= 1) {
      const half = size >> 1;
      const step = n / size;
      for (let start = 0; start < n; start += size) {
        for (let k = 0; k < half; k++) {
          const wr = this.cos[k * step];
          const wi = sgn * this.sin[k * step];
          const a = off + (start + k) * stride;
          const b = a + half * stride;
          const xr = re[b] * wr - im[b] * wi;
          const xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }
}

/** 3-D FFT of an `L[0] x L[1] x L[2]` complex block (C order), axis by axis. */
function fft3d(re: Float64Array, im: Float64Array, L: readonly number[], plans: readonly FftPlan[], inverse: boolean): void {
  const [Lz, Ly, Lx] = L;
  for (let z = 0; z < Lz; z++) for (let y = 0; y < Ly; y++) plans[2].run(re, im, (z * Ly + y) * Lx, 1, inverse);
  for (let z = 0; z < Lz; z++) for (let x = 0; x < Lx; x++) plans[1].run(re, im, z * Ly * Lx + x, Lx, inverse);
  for (let y = 0; y < Ly; y++) for (let x = 0; x < Lx; x++) plans[0].run(re, im, y * Lx + x, Ly * Lx, inverse);
}

/** Options of {@link correlateFft}. */
export interface CorrelateFftOptions {
  /** Largest FFT block edge (a power of two >= 2 * kernel edge). Default 64. */
  readonly block?: number;
  /** Output type. Default `'float32'`. */
  readonly dtype?: FloatDtype;
}

/**
 * Correlation of a volume with a 3-D kernel of odd edge lengths, `mode='same'` with zeros
 * outside the volume: `out[p] = sum_t kernel[t] * input[p + t - c]`, `c` the kernel centre
 * (`scipy.signal.correlate(input, kernel, 'same')`). Overlap-save over power-of-two FFT blocks:
 * each block of edge `L` yields `L - k + 1` output voxels per axis, two real blocks share one
 * complex transform (the kernel is real), so a voxel costs about two 3-D transforms of half a
 * block's share. Memory: a few blocks. Float64 arithmetic; differs from a direct sum by FFT
 * rounding (about 1e-12 relative to the largest partial sum).
 */
export function correlateFft(input: NumericArray, shape: Shape3, kernel: ArrayLike<number>, kernelShape: Shape3, options: CorrelateFftOptions = {}): FloatArray {
  const n = checkVolume('input', input, shape);
  const kn = checkVolume('kernel', kernel, kernelShape);
  if (kn === 0 || kernelShape.some((k) => k % 2 === 0)) throw new ImagingShapeError(`kernel edges must be odd, got (${kernelShape.join(', ')})`);
  const maxBlock = options.block ?? 64;
  if (!Number.isInteger(Math.log2(maxBlock)) || maxBlock < 2) throw new ImagingOptionError(`block must be a power of two, got ${maxBlock}`);
  const out = allocFloat(options.dtype ?? 'float32', n);
  if (n === 0) return out;
  const [Z, Y, X] = shape;
  const L = [0, 1, 2].map((a) => {
    const k = kernelShape[a];
    let l = 1;
    while (l < Math.max(2 * k, 2)) l <<= 1;
    let need = 1;
    while (need < shape[a] + k - 1) need <<= 1;
    return Math.max(l, Math.min(maxBlock, need));
  });
  const V = L.map((l, a) => l - kernelShape[a] + 1);
  const c = kernelShape.map((k) => (k - 1) / 2);
  const plans = L.map((l) => new FftPlan(l));
  const size = L[0] * L[1] * L[2];
  // Spectrum of the kernel placed at the block origin.
  const kr = new Float64Array(size);
  const ki = new Float64Array(size);
  for (let z = 0; z < kernelShape[0]; z++)
    for (let y = 0; y < kernelShape[1]; y++)
      for (let x = 0; x < kernelShape[2]; x++) kr[(z * L[1] + y) * L[2] + x] = kernel[(z * kernelShape[1] + y) * kernelShape[2] + x];
  fft3d(kr, ki, L, plans, false);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  const origins: [number, number, number][] = [];
  for (let z = 0; z < Z; z += V[0]) for (let y = 0; y < Y; y += V[1]) for (let x = 0; x < X; x += V[2]) origins.push([z, y, x]);
  const load = (buf: Float64Array, o: readonly number[]): void => {
    buf.fill(0);
    for (let bz = 0; bz < L[0]; bz++) {
      const z = o[0] - c[0] + bz;
      if (z < 0 || z >= Z) continue;
      for (let by = 0; by < L[1]; by++) {
        const y = o[1] - c[1] + by;
        if (y < 0 || y >= Y) continue;
        const x0 = o[2] - c[2];
        const lo = Math.max(0, -x0);
        const hi = Math.min(L[2], X - x0);
        const dst = (bz * L[1] + by) * L[2];
        const src = (z * Y + y) * X + x0;
        for (let bx = lo; bx < hi; bx++) buf[dst + bx] = input[src + bx];
      }
    }
  };
  const store = (buf: Float64Array, o: readonly number[]): void => {
    const scale = 1 / size;
    for (let bz = 0; bz < V[0] && o[0] + bz < Z; bz++) {
      for (let by = 0; by < V[1] && o[1] + by < Y; by++) {
        const src = (bz * L[1] + by) * L[2];
        const dst = ((o[0] + bz) * Y + o[1] + by) * X + o[2];
        const len = Math.min(V[2], X - o[2]);
        for (let bx = 0; bx < len; bx++) out[dst + bx] = buf[src + bx] * scale;
      }
    }
  };
  for (let b = 0; b < origins.length; b += 2) {
    load(re, origins[b]);
    if (b + 1 < origins.length) load(im, origins[b + 1]);
    else im.fill(0);
    fft3d(re, im, L, plans, false);
    // Multiply by conj(K): correlation instead of convolution.
    for (let i = 0; i < size; i++) {
      const ar = re[i];
      const ai = im[i];
      re[i] = ar * kr[i] + ai * ki[i];
      im[i] = ai * kr[i] - ar * ki[i];
    }
    fft3d(re, im, L, plans, true);
    store(re, origins[b]);
    if (b + 1 < origins.length) store(im, origins[b + 1]);
  }
  return out;
}
