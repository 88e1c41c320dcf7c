import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** True for strings that carry a URI scheme (`file:`, `http:`, `_:`), not a plain path. */
export function hasScheme(ref: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(ref) && !/^[A-Za-z]:[\\/]/.test(ref);
}

/** Converts an absolute or relative (to `cwd`) filesystem path into a `file://` URI. */
export function pathToUri(path: string, cwd = process.cwd()): string {
  return pathToFileURL(isAbsolute(path) ? path : resolve(cwd, path)).href;
}

/** Converts a `file://` URI (fragment ignored) into a filesystem path. */
export function uriToPath(uri: string): string {
  return fileURLToPath(stripFragment(uri));
}

/** Removes a `#fragment` from a URI. */
export function stripFragment(uri: string): string {
  const i = uri.indexOf('#');
  return i < 0 ? uri : uri.slice(0, i);
}

/** The fragment of a URI without `#`, or `undefined`. */
export function fragmentOf(uri: string): string | undefined {
  const i = uri.indexOf('#');
  return i < 0 ? undefined : uri.slice(i + 1);
}

/**
 * Resolves `ref` (a relative path, `#fragment`, absolute path or URI) against `base`
 * (a `file://` URI). Relative file names are percent-encoded, so `a#b.txt` stays a
 * file name only when written as `a%23b.txt`, as in CWL.
 */
export function resolveUri(ref: string, base: string): string {
  if (ref.startsWith('/')) return pathToFileURL(ref).href;
  if (hasScheme(ref)) return ref;
  return new URL(ref, base).href;
}

/** Basename of a URI or path (percent-decoded). */
export function basenameOf(location: string): string {
  const noQuery = stripFragment(location).replace(/\/+$/, '');
  const name = noQuery.slice(noQuery.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
