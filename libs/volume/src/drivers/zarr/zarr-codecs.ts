/**
 * zarrita's gzip and zlib codecs decode only; these replacements use Node's zlib for
 * both directions and are registered under every name zarrita looks up (v3 `gzip`,
 * `zlib`; v2 `numcodecs.gzip`, `numcodecs.zlib`).
 */
import { deflateSync, gunzipSync, gzip, gzipSync, inflateSync } from 'node:zlib';
import type * as Zarr from 'zarrita' with { 'resolution-mode': 'import' };

/** Compression level when the metadata names none (numcodecs' default for gzip is 1; SABER writes 5). */
export const DEFAULT_GZIP_LEVEL = 5;

function codecClass(encode: (b: Uint8Array, level: number) => Uint8Array, decode: (b: Uint8Array) => Uint8Array) {
  return {
    fromConfig(config: unknown) {
      const level = typeof (config as { level?: unknown })?.level === 'number' ? (config as { level: number }).level : DEFAULT_GZIP_LEVEL;
      return {
        kind: 'bytes_to_bytes' as const,
        encode: (bytes: Uint8Array) => new Uint8Array(encode(bytes, level)),
        decode: (bytes: Uint8Array) => new Uint8Array(decode(bytes)),
      };
    },
  };
}

/** Output piece of {@link gzipEncode}: fewer round trips between the pool and the event loop than Node's 16 KiB. */
const GZIP_CHUNK_BYTES = 1 << 20;

/**
 * Gzip of `bytes` at `level` on Node's thread pool (the event loop stays free): the same
 * bytes as the registered `gzip` codec writes, so chunks encoded outside zarrita
 * (whole-chunk writes) are identical to zarrita's. `bytes` must not change until it resolves.
 */
export function gzipEncode(bytes: Uint8Array, level: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => gzip(bytes, { level, chunkSize: GZIP_CHUNK_BYTES }, (err, out) => (err ? reject(err) : resolve(out))));
}

const Gzip = codecClass((b, level) => gzipSync(b, { level }), (b) => gunzipSync(b));
const Zlib = codecClass((b, level) => deflateSync(b, { level }), (b) => inflateSync(b));

/** Replaces zarrita's decode-only gzip/zlib codecs with Node zlib ones (idempotent). */
export function registerNodeZlibCodecs(zarr: typeof Zarr): void {
  type Entry = Parameters<typeof zarr.registry.set>[1];
  const gzip = (() => Gzip) as unknown as Entry;
  const zlib = (() => Zlib) as unknown as Entry;
  zarr.registry.set('gzip', gzip);
  zarr.registry.set('numcodecs.gzip', gzip);
  zarr.registry.set('zlib', zlib);
  zarr.registry.set('numcodecs.zlib', zlib);
}
