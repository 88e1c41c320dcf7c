import { Injectable } from '@nestjs/common';
import { CwlNotFoundError, CwlValidationError, loadDocument, type LoadedProcess } from '@saber/cwl';
import type { RejectReason, RunRequested } from '@saber/contracts';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A request that cannot become a run; carries the reason published in run.rejected. */
export class RunRejection extends Error {
  override readonly name = 'RunRejection';
  constructor(
    readonly reason: RejectReason,
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

/**
 * Loads the workflow a request names. Relative paths resolve against the planner's
 * working directory; URLs must be `file://` (remote fetching is not enabled).
 */
@Injectable()
export class WorkflowSource {
  async load(ref: RunRequested['workflow']): Promise<LoadedProcess> {
    try {
      if (ref.inline !== undefined) return await loadDocument({ inline: ref.inline, baseUri: pathToFileURL(process.cwd() + '/').href });
      const path = ref.path ?? this.urlToPath(ref.url ?? '');
      return await loadDocument({ path: isAbsolute(path) ? path : resolve(path) });
    } catch (e) {
      if (e instanceof RunRejection) throw e;
      if (e instanceof CwlNotFoundError) throw new RunRejection('workflow-not-found', e.message);
      if (e instanceof CwlValidationError) {
        throw new RunRejection('invalid-workflow', e.message, e.issues.map((i) => `${i.file}:${i.line}:${i.column}: ${i.message}`));
      }
      throw new RunRejection('invalid-workflow', (e as Error).message);
    }
  }

  private urlToPath(url: string): string {
    if (!url.startsWith('file://')) throw new RunRejection('workflow-not-found', `only file:// workflow URLs are supported, got ${url}`);
    return fileURLToPath(url);
  }
}
