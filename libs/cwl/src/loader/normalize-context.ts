import type { SourcePosition } from '../errors/cwl-errors';
import type { DocumentStore } from './document-store';
import { displayName } from './document-store';
import type { SchemaDefs } from './normalize-type';

/** State threaded through normalization of one document tree. */
export interface NormalizeContext {
  store: DocumentStore;
  /** URIs of the processes being normalized, outermost first (recursion guard). */
  runStack: string[];
}

/** What a nested process inherits from its enclosing document. */
export interface Scope {
  /** URI of the document the raw node was read from (base for relative references). */
  docUri: string;
  cwlVersion?: string;
  schemaDefs: SchemaDefs;
  /** `$namespaces` prefixes in effect (`edam` → `http://edamontology.org/`). */
  namespaces?: Record<string, string>;
}

/** Position of `node` (or its key) for messages, falling back to the document start. */
export function positionOf(ctx: NormalizeContext, scope: Scope, node: unknown, key?: string | number, which: 'key' | 'value' = 'key'): SourcePosition {
  return ctx.store.positions.of(node, key, which) ?? { file: displayName(scope.docUri), line: 1, column: 1 };
}

/** Records a validation issue at `node`/`key`. */
export function report(ctx: NormalizeContext, scope: Scope, node: unknown, key: string | number | undefined, message: string, which: 'key' | 'value' = 'key'): void {
  ctx.store.issues.push({ ...positionOf(ctx, scope, node, key, which), message });
}
