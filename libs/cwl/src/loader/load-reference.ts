import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CwlNotFoundError, CwlValidationError } from '../errors/cwl-errors';
import type { LoadedProcess } from '../model/cwl.types';
import { loadDocument } from './load-document';

/** How a request names its workflow: the document itself, a path, or a `file://` URL. */
export interface WorkflowReference {
  /** The document, as text or as an object. */
  readonly inline?: unknown;
  readonly path?: string;
  readonly url?: string;
}

/** A workflow URL of another scheme than `file://` (remote fetching is not enabled). */
export class CwlUnsupportedUrlError extends CwlNotFoundError {
  constructor(url: string) {
    super(url);
    this.message = `only file:// workflow URLs are supported, got ${url}`;
  }
}

/**
 * Loads the workflow a request names. Inline documents and relative paths resolve against
 * this process's working directory; URLs must be `file://` ({@link CwlUnsupportedUrlError}).
 */
export async function loadWorkflowReference(ref: WorkflowReference): Promise<LoadedProcess> {
  if (ref.inline !== undefined) return loadDocument({ inline: ref.inline, baseUri: pathToFileURL(process.cwd() + '/').href });
  if (ref.path === undefined && !(ref.url ?? '').startsWith('file://')) throw new CwlUnsupportedUrlError(ref.url ?? '');
  const path = ref.path ?? fileURLToPath(ref.url!);
  return loadDocument({ path: isAbsolute(path) ? path : resolve(path) });
}

/**
 * Why a workflow could not be loaded, as the `*.rejected` events say it: `workflow-not-found`
 * (a missing document), or `invalid-workflow` with one `file:line:column: problem` detail per
 * validation issue.
 */
export function workflowRejection(e: unknown): { reason: 'workflow-not-found' | 'invalid-workflow'; message: string; details: string[] } {
  if (e instanceof CwlNotFoundError) return { reason: 'workflow-not-found', message: e.message, details: [] };
  if (e instanceof CwlValidationError) {
    return { reason: 'invalid-workflow', message: e.message, details: e.issues.map((i) => `${i.file}:${i.line}:${i.column}: ${i.message}`) };
  }
  return { reason: 'invalid-workflow', message: (e as Error).message, details: [] };
}
