import { Injectable } from '@nestjs/common';
import { loadWorkflowReference, workflowRejection, type LoadedProcess } from '@saber/cwl';
import type { RejectReason, RunRequested } from '@saber/contracts';

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
      return await loadWorkflowReference(ref);
    } catch (e) {
      const r = workflowRejection(e);
      throw new RunRejection(r.reason, r.message, r.details);
    }
  }
}
