import { JOB_REQUIREMENTS_KEY, resolveInputs } from '../job/resolve-inputs';
import type { CwlProcess, Requirement, Workflow } from '../model/cwl.types';
import { cloneJson } from '../util/json';
import type { WorkflowState } from './workflow-state.types';

/**
 * Starts a run: checks and defaults the inputs against the process, and returns
 * the initial state. A lone CommandLineTool/ExpressionTool becomes a one-step
 * workflow whose step id is the tool's id (or `main`).
 *
 * @throws CwlInputError when an input is missing or has the wrong type
 */
export function createWorkflowState(process: CwlProcess, inputs: Record<string, unknown>, runId: string): WorkflowState {
  const jobRequirements = Array.isArray(inputs[JOB_REQUIREMENTS_KEY]) ? (inputs[JOB_REQUIREMENTS_KEY] as Requirement[]) : [];
  const withJob = jobRequirements.length > 0 ? { ...process, requirements: overrideRequirements(process.requirements, jobRequirements) } : process;
  const root = withJob.class === 'Workflow' ? cloneJson(withJob) : wrapTool(withJob);
  return {
    version: 1,
    runId,
    root,
    scopes: { '': { processPath: [], inputs: resolveInputs(root, inputs), steps: {}, done: false } },
    dirty: [''],
    status: 'running',
  };
}

/** `base` with every requirement of `overrides` replacing the one of the same class. */
function overrideRequirements(base: readonly Requirement[], overrides: readonly Requirement[]): Requirement[] {
  const classes = new Set(overrides.map((r) => r.class));
  return [...base.filter((r) => !classes.has(r.class)), ...cloneJson(overrides as Requirement[])];
}

function wrapTool(tool: Exclude<CwlProcess, Workflow>): Workflow {
  const stepId = tool.id || 'main';
  return {
    class: 'Workflow',
    id: tool.id,
    ...(tool.cwlVersion ? { cwlVersion: tool.cwlVersion } : {}),
    inputs: tool.inputs.map(({ inputBinding: _b, ...p }) => p),
    outputs: tool.outputs.map(({ outputBinding: _b, ...p }) => ({ ...p, type: p.type === 'stdout' || p.type === 'stderr' ? 'File' : p.type, outputSource: [`${stepId}/${p.id}`] })),
    // The tool's requirements also govern its own inputs (secondaryFiles expressions need its InlineJavascriptRequirement).
    requirements: cloneJson(tool.requirements),
    hints: [],
    steps: [{
      id: stepId,
      in: tool.inputs.map((p) => ({ id: p.id, source: [p.id] })),
      out: tool.outputs.map((p) => p.id),
      run: cloneJson(tool),
      requirements: [],
      hints: [],
    }],
  };
}
