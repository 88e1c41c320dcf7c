import { Injectable } from '@nestjs/common';
import { readRequestFile, RequestRejection, requestVolumeShape } from '@saber/runtime';
import type { SweepRejectReason, SweepRequested } from '@saber/contracts';
import { CwlInputError, loadWorkflowReference, resolveInputs, workflowRejection, type LoadedProcess } from '@saber/cwl';
import {
  SweepError, bindSweep, iterationInputs, parseBlockSection, parseParameterization, planSweep,
  type BlockSection, type Parameterization, type SweepBinding, type SweepPlan,
} from '@saber/sweep';

/** A request that cannot become a sweep; carries the reason published in sweep.rejected. */
export class SweepRejection extends RequestRejection<SweepRejectReason> {
  override readonly name = 'SweepRejection';
}

/** Everything a sweep needs, checked: what {@link SweepIntake.prepare} returns. */
export interface PreparedSweep {
  parameterization: { text: string; source: string };
  block?: BlockSection;
  volumeShape?: number[];
  plan: SweepPlan;
  binding: SweepBinding;
  loaded: LoadedProcess;
}

/**
 * Turns a sweep request into a checked plan: reads the parameterization (inline or a
 * path on this machine), the block section and the volume's shape, loads the
 * workflow, binds the swept values to its inputs and checks the inputs of the first
 * iteration, so that a mistake is one sweep.rejected instead of thousands of failed
 * runs. Relative paths resolve against the blocker's working directory.
 */
@Injectable()
export class SweepIntake {
  /** @throws SweepRejection */
  async prepare(request: SweepRequested): Promise<PreparedSweep> {
    const parameterization = await readRequestFile(request.parameterization, 'parameterization', (m) => new SweepRejection('parameterization-not-found', m));
    let parsed: Parameterization;
    try {
      parsed = parseParameterization(parameterization.text, { source: parameterization.source });
    } catch (e) {
      throw asRejection(e, 'invalid-sweep');
    }
    let block: BlockSection | undefined;
    if (request.block) {
      const issues: string[] = [];
      block = parseBlockSection(request.block, issues);
      if (!block) throw new SweepRejection('invalid-sweep', `invalid block section: ${issues.join('; ')}`, issues);
    }
    const volume = (block ?? parsed.block)?.volume;
    const volumeShape = volume === undefined ? undefined : await requestVolumeShape(volume, (m) => new SweepRejection('volume-unreadable', m));
    let plan: SweepPlan;
    try {
      plan = planSweep(parsed, { ...(block ? { block } : {}), ...(volumeShape ? { volumeShape } : {}) });
    } catch (e) {
      throw asRejection(e, 'invalid-sweep');
    }
    const loaded = await this.loadWorkflow(request.workflow);
    let binding: SweepBinding;
    try {
      binding = bindSweep(plan, loaded.process);
    } catch (e) {
      throw asRejection(e, 'invalid-sweep');
    }
    try {
      resolveInputs(loaded.process, { ...request.inputs, ...iterationInputs(binding, plan.iteration(0)).inputs });
    } catch (e) {
      if (e instanceof CwlInputError) throw new SweepRejection('invalid-inputs', `the inputs of iteration 0 are invalid: ${e.message}`);
      throw e;
    }
    return { parameterization, ...(block ? { block } : {}), ...(volumeShape ? { volumeShape } : {}), plan, binding, loaded };
  }

  private async loadWorkflow(ref: SweepRequested['workflow']): Promise<LoadedProcess> {
    try {
      return await loadWorkflowReference(ref);
    } catch (e) {
      const r = workflowRejection(e);
      throw new SweepRejection(r.reason, r.message, r.details);
    }
  }
}

function asRejection(e: unknown, reason: SweepRejectReason): unknown {
  return e instanceof SweepError ? new SweepRejection(reason, e.message, [...e.issues]) : e;
}
