/**
 * zarrita's gzip and zlib codecs decode only; these replacements use Node's zlib for
 * both directions and are registered under every name zarrita looks up (v3 `gzip`,
 * `zlib`; v2 `numcodecs.gzip`, `numcodecs.zlib`).
 */
import { deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
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
