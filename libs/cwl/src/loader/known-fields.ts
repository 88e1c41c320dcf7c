/** Fields every process class may carry. */
const COMMON = ['id', 'class', 'label', 'doc', 'inputs', 'outputs', 'requirements', 'hints', 'cwlVersion', 'intent', 'saber'];

/** Fields allowed at the top of each process class (namespaced `x:y` and `$...` keys are always allowed). */
export const PROCESS_FIELDS: Readonly<Record<string, readonly string[]>> = {
  CommandLineTool: [...COMMON, 'baseCommand', 'arguments', 'stdin', 'stdout', 'stderr', 'successCodes', 'temporaryFailCodes', 'permanentFailCodes'],
  ExpressionTool: [...COMMON, 'expression'],
  Workflow: [...COMMON, 'steps'],
};

/** Fields allowed on a workflow step. */
export const STEP_FIELDS: readonly string[] = [
  'id', 'in', 'out', 'run', 'requirements', 'hints', 'label', 'doc', 'scatter', 'scatterMethod', 'when', 'saber',
];

/** True for extension keys (`saber:queue`, `$namespaces`) that are never reported as unknown. */
export function isExtensionKey(key: string): boolean {
  return key.includes(':') || key.startsWith('$');
}

/** The `cwlVersion` values this engine accepts. */
export const SUPPORTED_VERSIONS: ReadonlySet<string> = new Set(['v1.0', 'v1.1', 'v1.2', 'v1.2.0', 'v1.2.1']);

/** Requirement classes of CWL v1.0–v1.2 (`requirements` must use one of these or a namespaced `x:Y` class). */
export const REQUIREMENT_CLASSES: readonly string[] = [
  'InlineJavascriptRequirement', 'SchemaDefRequirement', 'DockerRequirement', 'SoftwareRequirement', 'InitialWorkDirRequirement',
  'EnvVarRequirement', 'ShellCommandRequirement', 'ResourceRequirement', 'LoadListingRequirement', 'WorkReuse', 'NetworkAccess',
  'InplaceUpdateRequirement', 'ToolTimeLimit', 'SubworkflowFeatureRequirement', 'ScatterFeatureRequirement',
  'MultipleInputFeatureRequirement', 'StepInputExpressionRequirement', 'saber',
];

/** Allowed values of the step enums, by field name. */
export const STEP_ENUMS: Readonly<Record<'scatterMethod' | 'linkMerge' | 'pickValue', readonly string[]>> = {
  scatterMethod: ['dotproduct', 'nested_crossproduct', 'flat_crossproduct'],
  linkMerge: ['merge_nested', 'merge_flattened'],
  pickValue: ['first_non_null', 'the_only_non_null', 'all_non_null'],
};
