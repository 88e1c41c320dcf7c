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
