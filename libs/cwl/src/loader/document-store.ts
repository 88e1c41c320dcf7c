import { readFileSync } from 'node:fs';
import { CwlNotFoundError, CwlUnsupportedError, type ValidationIssue } from '../errors/cwl-errors';
import { isRecord } from '../util/json';
import { resolveUri, stripFragment, uriToPath } from '../util/uri';
import { parseYaml } from './parse-yaml';
import { SourcePositions } from './source-positions';

/**
 * Reads and parses documents once per load, resolving `$import` (parsed content)
 * and `$include` (raw text) relative to the file that contains them. Positions of
 * every parsed node are kept in {@link positions}.
 */
export class DocumentStore {
  /** Positions of every node parsed through this store. */
  readonly positions = new SourcePositions();
  /** Problems found while loading; reported together by the loader. */
  readonly issues: ValidationIssue[] = [];
  private readonly docs = new Map<string, unknown>();
  private readonly texts = new Map<string, string>();
  /** The document each parsed node came from (for resolving nested relative refs). */
  private readonly origin = new WeakMap<object, string>();

  /** Registers an in-memory document under `uri` (for inline sources). */
  addParsed(uri: string, value: unknown): void {
    const resolved = this.resolveDirectives(value, uri);
    this.tagOrigin(resolved, uri);
    this.docs.set(stripFragment(uri), resolved);
  }

  /** Registers in-memory text under `uri` and parses it. */
  addText(uri: string, text: string, displayName: string): void {
    this.texts.set(stripFragment(uri), text);
    this.addParsed(uri, parseYaml(text, displayName, this.positions));
  }

  /** The parsed document at `uri` (fragment ignored), after `$import`/`$include`. */
  get(uri: string): unknown {
    const key = stripFragment(uri);
    if (!this.docs.has(key)) {
      const text = this.readText(key);
      const value = this.resolveDirectives(parseYaml(text, displayName(key), this.positions), key);
      this.tagOrigin(value, key);
      this.docs.set(key, value);
    }
    return this.docs.get(key);
  }

  /** The document URI a parsed node came from, when known. */
  originOf(node: unknown): string | undefined {
    return isRecord(node) || Array.isArray(node) ? this.origin.get(node) : undefined;
  }

  /** Raw text of a document (cached). */
  readText(uri: string): string {
    const key = stripFragment(uri);
    const cached = this.texts.get(key);
    if (cached !== undefined) return cached;
    if (!key.startsWith('file:')) throw new CwlUnsupportedError('remote documents', `only file:// URIs can be loaded, got ${key}`);
    let text: string;
    try {
      text = readFileSync(uriToPath(key), 'utf8');
    } catch (err) {
      throw new CwlNotFoundError(uriToPath(key), { cause: err });
    }
    this.texts.set(key, text);
    return text;
  }

  private resolveDirectives(node: unknown, base: string): unknown {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) node[i] = this.resolveDirectives(node[i], base);
      return node;
    }
    if (!isRecord(node)) return node;
    for (const directive of ['$import', '$include'] as const) {
      const ref = node[directive];
      if (typeof ref !== 'string' || Object.keys(node).length !== 1) continue;
      const target = resolveUri(ref, base);
      try {
        return directive === '$import' ? this.get(target) : this.readText(target);
      } catch (err) {
        if (!(err instanceof CwlNotFoundError) || err.issue) throw err;
        const at = this.positions.of(node, directive, 'value') ?? { file: displayName(base), line: 0, column: 0 };
        throw new CwlNotFoundError(err.path, { cause: err, referencedAt: at, detail: `'${directive}: ${ref}': no such file ${err.path}` });
      }
    }
    for (const key of Object.keys(node)) node[key] = this.resolveDirectives(node[key], base);
    return node;
  }

  private tagOrigin(node: unknown, uri: string): void {
    if (!(isRecord(node) || Array.isArray(node)) || this.origin.has(node)) return;
    this.origin.set(node, stripFragment(uri));
    for (const child of Array.isArray(node) ? node : Object.values(node)) this.tagOrigin(child, uri);
  }
}

/** A path for messages: the filesystem path of a `file://` URI, else the URI. */
export function displayName(uri: string): string {
  return uri.startsWith('file:') ? uriToPath(uri) : uri;
}
