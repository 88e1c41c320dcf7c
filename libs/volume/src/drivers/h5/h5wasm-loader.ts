/**
 * h5wasm (ESM, WebAssembly HDF5 2.0 with real file access in Node), loaded once per
 * process. Two things happen at load:
 * - the compression plugins of `h5wasm-plugins` (LZF, Blosc, Zstd, LZ4, Bzip2, ...) are
 *   put first on HDF5's plugin search path. Without them HDF5 cannot decode, for
 *   example, h5py's LZF chunks, and h5wasm would return zeros for them without an error;
 * - HDF5's error stack is turned into thrown exceptions, so any failed call (a filter
 *   that still cannot be loaded, a corrupt chunk) throws instead of printing to stderr.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The h5wasm module namespace. */
export type H5Wasm = typeof import('h5wasm/node', { with: { 'resolution-mode': 'import' } });

let loaded: Promise<H5Wasm> | undefined;

/** The folder of the compiled plugins shipped by `h5wasm-plugins`. */
export function h5PluginDir(): string {
  return join(dirname(createRequire(__filename).resolve('h5wasm-plugins/package.json')), 'plugins');
}

/** h5wasm with plugins installed and throwing errors (created on first call). */
export function loadH5wasm(): Promise<H5Wasm> {
  loaded ??= (async () => {
    const h5 = await import('h5wasm/node');
    const module = await h5.ready;
    const dir = h5PluginDir();
    if (!module.get_plugin_search_paths().includes(dir)) module.insert_plugin_search_path(dir, 0);
    module.activate_throwing_error_handler();
    return h5;
  })();
  return loaded;
}
