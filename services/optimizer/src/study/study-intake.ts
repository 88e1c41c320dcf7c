import { Injectable } from '@nestjs/common';
import { readRequestFile, RequestRejection, requestVolumeShape } from '@saber/runtime';
import type { StudyObjective, StudyRejectReason, StudyRequested } from '@saber/contracts';
import { CwlInputError, loadWorkflowReference, resolveInputs, workflowRejection, type LoadedProcess } from '@saber/cwl';
import { StudyDefinitionError, parseStudy, studyParameterization, trialInputs, uniformPoint, Rng, type StudySpec } from '@saber/optimize';
import { SweepError, bindSweep, planSweep, type SweepBinding } from '@saber/sweep';
import { randomInt } from 'node:crypto';
import { describeReported, isReported, reportedMetrics } from './reported-metrics';

/** A request that cannot become a study; carries the reason published in study.rejected. */
export class StudyRejection extends RequestRejection<StudyRejectReason> {
  override readonly name = 'StudyRejection';
}

/** Everything a study needs, checked: what {@link StudyIntake.prepare} returns. */
export interface PreparedStudy {
  study: { text: string; source: string; sampler?: StudyRequested['sampler'] };
  spec: StudySpec;
  seed: number;
  binding: SweepBinding;
  objective: StudyObjective;
  /** Core voxels per block of a trial's block sweep (undefined: trials have no blocks). */
  blockWeights?: number[];
  loaded: LoadedProcess;
}

/**
 * Turns a study request into a checked study, before any trial runs: reads and
 * checks the study file (parameters, empty ranges, sampler, budget), loads the
 * workflow, binds every parameter to the workflow's inputs (an unknown step or
 * input is an error), checks that the objective's metric is one the workflow
 * reports, plans the block sweep of a trial, and checks the inputs of a trial. A
 * mistake is one study.rejected instead of a study of failed trials.
 */
@Injectable()
export class StudyIntake {
  /** @throws StudyRejection */
  async prepare(request: StudyRequested): Promise<PreparedStudy> {
    const study = await readRequestFile(request.study, 'study', (m) => new StudyRejection('study-not-found', m));
    let spec: StudySpec;
    try {
      spec = parseStudy(study.text, { source: study.source, ...(request.sampler ? { sampler: request.sampler } : {}) });
    } catch (e) {
      if (e instanceof StudyDefinitionError) throw new StudyRejection('invalid-study', `invalid study ${study.source}: ${e.issues.join('; ')}`, [...e.issues]);
      if (e instanceof SweepError) throw new StudyRejection('invalid-study', `invalid study ${study.source}: ${e.issues.join('; ')}`, [...e.issues]);
      throw e;
    }
    const loaded = await this.loadWorkflow(request.workflow);
    const parameterization = studyParameterization(spec);
    const volume = spec.blocks?.block?.volume;
    const volumeShape = volume === undefined ? undefined : await requestVolumeShape(volume, (m) => new StudyRejection('volume-unreadable', m));
    let binding: SweepBinding;
    let blockWeights: number[] | undefined;
    try {
      const plan = planSweep(parameterization, { ...(volumeShape ? { volumeShape } : {}), maxIterations: Number.MAX_SAFE_INTEGER });
      binding = bindSweep(plan, loaded.process);
      if (spec.blocks) {
        const blockPlan = planSweep({ ...parameterization, metaparameters: spec.blocks.metaparameters }, volumeShape ? { volumeShape } : {});
        blockWeights = Array.from({ length: blockPlan.total }, (_, i) => {
          const b = blockPlan.iteration(i).block;
          return b ? b.core.stop.reduce((v, stop, a) => v * (stop - b.core.start[a]!), 1) : 1;
        });
      }
    } catch (e) {
      if (!(e instanceof SweepError)) throw e;
      // A typed parameter was bound as a list of its bounds: name its `space`, not a `range` the file does not have.
      const typed = spec.parameters.filter((p) => p.form === 'space').map((p) => p.dimension.name);
      const issues = e.issues.map((i) => typed.reduce((text, name) => (text.startsWith(`${name}.range: `) ? `${name}.space: ${text.slice(name.length + 8)}` : text), i));
      throw new StudyRejection('invalid-study', `the study does not fit the workflow: ${issues.join('; ')}`, issues);
    }
    const objective = resolveObjective(spec, loaded);
    const seed = spec.sampler.seed ?? randomInt(0, 0xffff_ffff);
    try {
      const probe = uniformPoint(spec.space, new Rng(seed));
      resolveInputs(loaded.process, { ...request.inputs, ...trialInputs(spec, binding, probe), ...(spec.blocks ? blockProbe(binding) : {}) });
    } catch (e) {
      if (e instanceof CwlInputError) throw new StudyRejection('invalid-inputs', `the inputs of a trial are invalid: ${e.message}`);
      throw e;
    }
    return { study: { ...study, ...(request.sampler ? { sampler: request.sampler } : {}) }, spec, seed, binding, objective, ...(blockWeights ? { blockWeights } : {}), loaded };
  }

  private async loadWorkflow(ref: StudyRequested['workflow']): Promise<LoadedProcess> {
    try {
      return await loadWorkflowReference(ref);
    } catch (e) {
      const r = workflowRejection(e);
      throw new StudyRejection(r.reason, r.message, r.details);
    }
  }
}

/** Block geometry inputs set to 0, so that a trial's inputs can be checked without the blocker. */
function blockProbe(binding: SweepBinding): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of Object.values(binding.geometry)) if (t) out[t.input] = 0;
  for (const [key, targets] of Object.entries(binding.parameters)) {
    if (!binding.blockMetaparameters.includes(key.split('.')[0]!)) continue;
    for (const t of targets) out[t.input] = 0;
  }
  return out;
}

/** The objective with its metric checked against (or, when the file names none, chosen from) what the workflow reports. */
function resolveObjective(spec: StudySpec, loaded: LoadedProcess): StudyObjective {
  const o = spec.objective;
  const base: StudyObjective = {
    direction: o.direction,
    aggregation: o.aggregation,
    earlyStopping: o.earlyStopping,
    ...(o.bounds ? { bounds: o.bounds } : {}),
  };
  if (o.output !== undefined) {
    const outputs = loaded.process.outputs.map((x) => x.id);
    if (!outputs.includes(o.output)) {
      const issue = `objective.output: no workflow output '${o.output}' (outputs: ${outputs.join(', ') || 'none'})`;
      throw new StudyRejection('invalid-study', `the study does not fit the workflow: ${issue}`, [issue]);
    }
    return { ...base, output: o.output, ...(o.key ? { key: o.key } : {}) };
  }
  const reported = reportedMetrics(loaded.process);
  const what = describeReported(reported);
  const hint = 'give a step the saber hint score_format (or parse_metrics: true), or use objective.output';
  if (o.metric !== undefined) {
    if (!isReported(reported, o.metric)) {
      const issue = `objective.metric: the workflow reports no metric '${o.metric}'; it reports ${what || `none: ${hint}`}`;
      throw new StudyRejection('invalid-study', `the study does not fit the workflow: ${issue}`, [issue]);
    }
    return { ...base, metric: o.metric };
  }
  if (reported.scores.length === 1 && reported.anyOf.length === 0) return { ...base, metric: reported.scores[0]!.metric };
  const issue = `objective.metric: missing, and the workflow does not report exactly one score (it reports ${what || `none: ${hint}`}); name the metric to optimize`;
  throw new StudyRejection('invalid-study', `the study does not fit the workflow: ${issue}`, [issue]);
}
