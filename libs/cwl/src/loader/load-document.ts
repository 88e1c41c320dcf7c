import { CwlUnsupportedError, CwlValidationError } from '../errors/cwl-errors';
import type { LoadedProcess } from '../model/cwl.types';
import { canonicalHash } from '../util/canonical-json';
import { isRecord } from '../util/json';
import { pathToUri, stripFragment } from '../util/uri';
import { DocumentStore } from './document-store';
import { normalizeProcessAt } from './normalize-process';

/** Where to load a CWL document from: exactly one of `path`, `url` or `inline`. */
export interface DocumentSource {
  /** Filesystem path, optionally with `#fragment` selecting a `$graph` entry. */
  path?: string;
  /** `file://` URI, optionally with `#fragment`. */
  url?: string;
  /** An already parsed document, or YAML/JSON text. */
  inline?: unknown;
  /** Base URI for relative references of an inline document; defaults to the working directory. */
  baseUri?: string;
}

/**
 * Loads, normalizes and validates a CWL process document (v1.0–v1.2), resolving
 * `$import`, `$include`, `$graph` fragments and every `run:` reference, so that
 * the result is one self-contained JSON object.
 *
 * @throws CwlNotFoundError when the document (or a referenced one) does not exist
 * @throws CwlValidationError listing every problem as `file:line:column: message`
 * @throws CwlUnsupportedError for non-`file:` URLs
 */
export async function loadDocument(source: DocumentSource): Promise<LoadedProcess> {
  const store = new DocumentStore();
  const uri = sourceUri(source, store);
  const process = normalizeProcessAt(uri, { store, runStack: [] });
  const issues = [...store.issues];
  const doc = store.get(uri);
  const root = isRecord(doc) ? doc : undefined;
  if (process && root && root.cwlVersion === undefined && !Array.isArray(root.$graph)) {
    const pos = store.positions.of(root) ?? { file: uri, line: 1, column: 1 };
    issues.push({ ...pos, line: 1, column: 1, message: "missing 'cwlVersion'" });
  }
  if (issues.length > 0 || !process) {
    issues.sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : 0));
    throw new CwlValidationError(issues);
  }
  const name = process.id || (stripFragment(uri).split('/').pop() ?? '').replace(/\.[^.]*$/, '');
  return { process, uri, contentHash: canonicalHash(process), name: decodeURIComponent(name) };
}

function sourceUri(source: DocumentSource, store: DocumentStore): string {
  if (source.url !== undefined) {
    if (!source.url.startsWith('file:')) throw new CwlUnsupportedError('remote documents', `only file:// URLs are supported, got ${source.url}`);
    return source.url;
  }
  if (source.path !== undefined) {
    const hash = source.path.lastIndexOf('#');
    const file = hash >= 0 ? source.path.slice(0, hash) : source.path;
    return pathToUri(file) + (hash >= 0 ? source.path.slice(hash) : '');
  }
  const base = source.baseUri ?? pathToUri(process.cwd()) + '/';
  const uri = new URL('inline.cwl', base.endsWith('/') ? base : `${base}`).href;
  if (typeof source.inline === 'string') store.addText(uri, source.inline, '<inline>');
  else store.addParsed(uri, structuredClone(source.inline));
  return uri;
}
