/**
 * `@saber/cwl`: the CWL v1.2 engine core of SABER — loading and validating
 * documents, job inputs, expressions (QuickJS sandbox), running one tool as a
 * local process, and the pure workflow state machine the planner drives.
 *
 * @module
 */
export * from './errors/cwl-errors';
export type * from './model/cwl.types';
export { loadDocument, type DocumentSource } from './loader/load-document';
export { CwlUnsupportedUrlError, loadWorkflowReference, workflowRejection, type WorkflowReference } from './loader/load-reference';
export { typeToString } from './loader/normalize-type';
export { loadJob } from './job/load-job';
export { resolveInputs } from './job/resolve-inputs';
export { matchesType } from './job/type-match';
export {
  evaluateExpression, expressionSettings, DEFAULT_EXPRESSION_TIMEOUT_MS, type ExpressionScope, type ExpressionSettings,
} from './expressions/evaluate-expression';
export { runCommandLineTool } from './tool/run-command-line-tool';
export { runExpressionTool } from './tool/run-expression-tool';
export type { RunToolOptions, ToolRunResult, ToolStatus } from './tool/tool-run.types';
export type { ContainerRunOptions } from './tool/container-run';
export { DEFAULT_CONTAINER_OUTDIR, DEFAULT_CONTAINER_TMPDIR, DEFAULT_CONTAINER_STAGING_DIR } from './tool/container-paths';
export type { ContainerLauncher, ContainerLaunchRequest, ContainerLaunchOutcome, ContainerMount } from './launcher/container-launcher';
export { buildCommandLine, type CommandLine, type CommandWord } from './tool/build-command-line';
export { saberHints, type SaberHints } from './tool/saber-hints';
export { parseMetrics, scoreFormatRegExp, type ToolMetrics } from './tool/score-metrics';
export { inheritRequirements, findRequirement } from './tool/requirements';
export { createWorkflowState } from './workflow/create-workflow-state';
export { readyTasks, type ReadyTasksOptions } from './workflow/ready-tasks';
export { completeTask, failTask, isTaskPending, isTaskUndispatched } from './workflow/complete-task';
export { isFinished, workflowOutputs, failedReason } from './workflow/workflow-outputs';
export type { WorkflowState, ScopeState, StepState, TaskSpec, WorkflowFailure } from './workflow/workflow-state.types';
export { runWorkflowLocally, type LocalRunOptions } from './runner/run-workflow-locally';
export type { ProcessLauncher } from './launcher/process-launcher';
export { ForkServerLauncher, LauncherUnavailableError } from './launcher/fork-server.launcher';
export { NATIVE_LAUNCHER_PATH, NativeLauncher, nativeLauncherAvailable } from './launcher/native.launcher';
export { LAUNCHER_KINDS, createProcessLauncher, type LauncherKind } from './launcher/select-launcher';
export type { SpawnRequest, SpawnOutcome } from './tool/spawn-process';
export { relocateOutputs } from './runner/relocate-outputs';
export { stringifyCwlJson, parseCwlJson, isExactNumber, type ExactNumber } from './util/exact-number';
export { canonicalHash, canonicalJson } from './util/canonical-json';
export { stepCacheKey, isCacheable, STEP_CACHE_KEY_VERSION, type StepCacheContext } from './cache/step-cache-key';
