import type { CwlProcess, LinkMergeMethod, PickValueMethod, ScatterMethod, WorkflowStep, WorkflowStepInput } from '../model/cwl.types';
import { closestName } from '../util/suggest';
import { isRecord, shortName } from '../util/json';
import { isExtensionKey, STEP_ENUMS, STEP_FIELDS } from './known-fields';
import { report, type NormalizeContext, type Scope } from './normalize-context';
import { entriesOf, localRef, normalizeRequirements, resolveFileLocations } from './normalize-params';

/** A normalized step with the raw node it came from (for positions in later checks). */
export interface StepPair {
  step: WorkflowStep;
  raw: Record<string, unknown>;
  /** The raw `in` entries by step input id. */
  rawInputs: Map<string, Record<string, unknown>>;
  /** False when `run` could not be loaded (the step then runs a placeholder with no inputs or outputs). */
  resolved: boolean;
}

/** Resolves a step's `run` (reference or inline object) to a normalized process. */
export type RunResolver = (ref: string | Record<string, unknown>, rawStep: unknown) => CwlProcess | undefined;

/** Normalizes the `steps` of a workflow whose (fragment) id is `workflowId`. */
export function normalizeSteps(raw: unknown, ctx: NormalizeContext, scope: Scope, workflowId: string, resolveRun: RunResolver): StepPair[] {
  const pairs: StepPair[] = [];
  for (const { id, body } of entriesOf(raw, 'run')) {
    for (const key of Object.keys(body)) {
      if (STEP_FIELDS.includes(key) || isExtensionKey(key)) continue;
      const hint = closestName(key, STEP_FIELDS);
      report(ctx, scope, body, key, `unknown field '${key}' in step '${shortName(id)}'${hint ? `; did you mean '${hint}'?` : ''}`);
    }
    const stepId = shortName(id);
    let run: CwlProcess | undefined;
    if (body.run === undefined || body.run === null) report(ctx, scope, body, undefined, `step '${stepId}' has no 'run'`);
    else if (typeof body.run === 'string' || isRecord(body.run)) run = resolveRun(body.run, body);
    else report(ctx, scope, body, 'run', `step '${stepId}': 'run' must be a path or a process object`, 'value');
    const rawInputs = new Map<string, Record<string, unknown>>();
    const inputs = entriesOf(body.in, 'source').map(({ id: inId, body: inBody, key }) => {
      if (isRecord(body.in) && body.in[key] !== inBody) {
        // Shorthand `in: {i: src}`: the synthesized body has no position of its own; use the value's.
        const at = ctx.store.positions.of(body.in, key, 'value');
        if (at) ctx.store.positions.set(inBody, { self: at, keys: { source: at }, values: { source: at } });
      }
      checkEnum(ctx, scope, inBody, 'linkMerge', `step '${stepId}' input '${shortName(inId)}'`);
      checkEnum(ctx, scope, inBody, 'pickValue', `step '${stepId}' input '${shortName(inId)}'`);
      const input = normalizeStepInput(shortName(inId), inBody, workflowId, scope.docUri);
      rawInputs.set(input.id, inBody);
      return input;
    });
    const step: WorkflowStep = {
      ...extras(body),
      id: stepId,
      in: inputs,
      out: (Array.isArray(body.out) ? body.out : []).map((o) => shortName(isRecord(o) ? String(o.id) : String(o))),
      run: run ?? ({ class: 'CommandLineTool', id: '', inputs: [], outputs: [], requirements: [], hints: [], baseCommand: [], arguments: [] } as CwlProcess),
      requirements: normalizeRequirements(body.requirements),
      hints: normalizeRequirements(body.hints),
    };
    if (body.scatter !== undefined) step.scatter = (Array.isArray(body.scatter) ? body.scatter : [body.scatter]).map((s) => shortName(String(s)));
    checkEnum(ctx, scope, body, 'scatterMethod', `step '${stepId}'`);
    if (typeof body.scatterMethod === 'string') step.scatterMethod = body.scatterMethod as ScatterMethod;
    if (body.when !== undefined && isBefore12(scope.cwlVersion)) report(ctx, scope, body, 'when', `step '${stepId}': 'when' needs cwlVersion v1.2 (document is ${scope.cwlVersion})`);
    if (typeof body.when === 'string') step.when = body.when;
    if (run) checkStepOutputs(step, run, body, ctx, scope);
    pairs.push({ step, raw: body, rawInputs, resolved: run !== undefined });
  }
  return pairs;
}

function checkEnum(ctx: NormalizeContext, scope: Scope, body: Record<string, unknown>, field: keyof typeof STEP_ENUMS, where: string): void {
  const value = body[field];
  const allowed = STEP_ENUMS[field];
  if (value === undefined || (typeof value === 'string' && allowed.includes(value))) return;
  const hint = typeof value === 'string' ? closestName(value, allowed) : undefined;
  const expected = hint ? `did you mean '${hint}'?` : `expected one of ${allowed.join(', ')}`;
  report(ctx, scope, body, field, `${where}: invalid ${field} '${String(value)}'; ${expected}`, 'value');
}

/** Every name in a step's `out` must be an output of the process it runs. */
function checkStepOutputs(step: WorkflowStep, run: CwlProcess, body: Record<string, unknown>, ctx: NormalizeContext, scope: Scope): void {
  const declared = run.outputs.map((o) => o.id);
  step.out.forEach((name, i) => {
    if (declared.includes(name)) return;
    const hint = closestName(name, declared);
    const node = Array.isArray(body.out) ? body.out : body;
    const expected = hint ? `did you mean '${hint}'?` : `it has ${declared.length ? declared.map((d) => `'${d}'`).join(', ') : 'no outputs'}`;
    report(ctx, scope, node, Array.isArray(body.out) ? i : 'out', `step '${step.id}': its run declares no output '${name}'; ${expected}`, 'value');
  });
}

function normalizeStepInput(id: string, body: Record<string, unknown>, workflowId: string, base: string): WorkflowStepInput {
  const input: WorkflowStepInput = { ...extras(body), id, source: [] };
  if (body.source !== undefined && body.source !== null) {
    const list = Array.isArray(body.source) ? body.source : [body.source];
    input.source = list.map((s) => localRef(String(s), workflowId));
    if (Array.isArray(body.source)) input.sourceIsList = true;
  }
  if (typeof body.linkMerge === 'string') input.linkMerge = body.linkMerge as LinkMergeMethod;
  if (typeof body.pickValue === 'string') input.pickValue = body.pickValue as PickValueMethod;
  if (body.default !== undefined) input.default = resolveFileLocations(body.default, base);
  if (typeof body.valueFrom === 'string') input.valueFrom = body.valueFrom;
  if (typeof body.loadContents === 'boolean') input.loadContents = body.loadContents;
  return input;
}

const STEP_STRUCTURAL = new Set(['id', 'in', 'out', 'run', 'requirements', 'hints', 'scatter', 'scatterMethod', 'when', 'source', 'linkMerge', 'pickValue', 'default', 'valueFrom', 'loadContents']);

function extras(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!STEP_STRUCTURAL.has(k)) out[k] = v;
  return out;
}

/** True for documents older than CWL v1.2 (conditional steps and pickValue came with v1.2). */
export function isBefore12(version: string | undefined): boolean {
  return version === 'v1.0' || version === 'v1.1';
}
