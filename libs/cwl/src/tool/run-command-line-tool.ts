import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { mkdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { CwlExecutionError } from '../errors/cwl-errors';
import { evaluateExpression, expressionSettings, type ExpressionScope } from '../expressions/evaluate-expression';
import { resolveInputs } from '../job/resolve-inputs';
import type { ContainerLaunchOutcome } from '../launcher/container-launcher';
import type { CommandLineTool } from '../model/cwl.types';
import { buildCommandLine, toShellString } from './build-command-line';
import { warmChecksumWorkers } from './checksum-workers';
import { collectOutputs } from './collect-outputs';
import { prepareContainerRun } from './container-run';
import { stageInitialWorkDir } from './initial-workdir';
import { defaultListing } from './load-listing';
import { findRequirement } from './requirements';
import { resourceRuntime } from './resource-runtime';
import { saberHints } from './saber-hints';
import { parseMetrics } from './score-metrics';
import { spawnProcess } from './spawn-process';
import { locationToPath, stageInputs } from './stage-inputs';
import type { RunToolOptions, ToolRunResult, ToolStatus } from './tool-run.types';

/** CPUs of this host (asked once: `os.cpus()` is slow). */
const HOST_CORES = availableParallelism();

/**
 * Runs a CommandLineTool as a local process, or in a container when the tool has a
 * DockerRequirement and `options.container` is given (without it the requirement
 * only adds a warning). Inputs are checked and defaulted, files staged by path,
 * the command line built, stdio redirected, and on success the outputs collected.
 * A non-zero exit is reported in the result (`status`, `exitCode`), not thrown.
 *
 * @throws CwlInputError for bad inputs, CwlExpressionError for failing expressions,
 *   CwlExecutionError when the process cannot start or outputs do not match their types;
 *   a container launcher's own error when the container cannot run
 */
export async function runCommandLineTool(tool: CommandLineTool, inputs: Record<string, unknown>, options: RunToolOptions): Promise<ToolRunResult> {
  const outdir = resolve(options.outdir);
  const tmpdir = resolve(options.tmpdir);
  if (options.createDirs !== false) await Promise.all([mkdir(outdir, { recursive: true }), mkdir(tmpdir, { recursive: true })]);
  const settings = expressionSettings([...tool.requirements, ...tool.hints], options.expressionTimeoutMs);
  const runtime: Record<string, unknown> = {
    outdir, tmpdir, cores: options.cores ?? HOST_CORES, ram: options.ramMiB ?? 1024, outdirSize: 1024, tmpdirSize: 1024, exitCode: null,
  };
  const resolved = resolveInputs(tool, inputs);
  const staged = await stageInputs(tool.inputs, resolved, {
    area: { dir: join(tmpdir, 'staging'), next: 0 },
    loadListing: defaultListing(tool),
    formatCheck: tool.$schemas ? 'lenient' : 'strict',
    evaluate: (text, self) => evaluateExpression(text, { inputs: resolved, self, runtime }, settings),
  });
  // runtime.cores / ram / outdirSize / tmpdirSize from the ResourceRequirement (its minimum, else
  // its maximum, rounded up), evaluated against the staged inputs; the options are the fallbacks.
  Object.assign(
    runtime,
    await resourceRuntime(findRequirement(tool, 'ResourceRequirement'), { inputs: staged, runtime: { outdir, tmpdir } }, settings, {
      cores: options.cores ?? HOST_CORES, ram: options.ramMiB ?? 1024, outdirSize: 1024, tmpdirSize: 1024,
    }),
  );
  const hostScope: ExpressionScope = { inputs: staged, runtime };
  const docker = options.container ? findRequirement(tool, 'DockerRequirement') : undefined;
  // In a container the tool sees container paths; outputs are still collected on the host.
  const box = docker && options.container
    ? await prepareContainerRun(tool, docker, options.container, { outdir, tmpdir, inputs: staged, runtime, env: options.env }, settings)
    : undefined;
  const scope = box?.scope ?? hostScope;
  await stageInitialWorkDir(tool, outdir, scope, settings, box?.initialWorkDir);

  const stdoutName = await streamName(tool.stdout, tool.outputs.some((o) => o.type === 'stdout'), scope, settings);
  const stderrName = await streamName(tool.stderr, tool.outputs.some((o) => o.type === 'stderr'), scope, settings);
  const logDir = options.logDir !== undefined ? resolve(options.logDir) : tmpdir;
  const stdoutPath = stdoutName !== undefined ? join(outdir, stdoutName) : join(logDir, 'stdout.txt');
  const stderrPath = stderrName !== undefined ? join(outdir, stderrName) : join(logDir, 'stderr.txt');
  const stdinRef = tool.stdin !== undefined ? await evaluateExpression(tool.stdin, scope, settings) : undefined;
  const stdinFile = typeof stdinRef === 'string' ? (stdinRef.startsWith('file:') ? locationToPath(stdinRef) : stdinRef) : undefined;
  const stdinPath = stdinFile !== undefined && box ? (box.toHost(stdinFile) ?? stdinFile) : stdinFile;

  const commandLine = await buildCommandLine(tool, scope, settings);
  const command = commandLine.shell ? ['/bin/sh', '-c', toShellString(commandLine.words)] : commandLine.words.map((w) => w.text);
  if (command.length === 0) throw new CwlExecutionError('tool has an empty command line (no baseCommand or arguments)');
  const warnings: string[] = [];
  if (!box && findRequirement(tool, 'DockerRequirement')) warnings.push('DockerRequirement ignored: the tool ran as a local process without a container');

  const baseEnv = box?.baseEnv ?? { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', ...options.env, HOME: outdir, TMPDIR: tmpdir };
  const env = await toolEnvironment(tool, baseEnv, scope, settings);
  let outcome: ContainerLaunchOutcome;
  warmChecksumWorkers();
  if (box) {
    const timeoutMs = minLimit(options.timeoutMs, await toolTimeLimitMs(tool, scope, settings));
    outcome = await box.launch({ argv: command, env, stdinPath, stdoutPath, stderrPath, signal: options.signal, timeoutMs });
    await box.relink();
  } else {
    try {
      const timeoutMs = minLimit(options.timeoutMs, await toolTimeLimitMs(tool, scope, settings));
      const request = { argv: command, cwd: outdir, env, stdinPath, stdoutPath, stderrPath, signal: options.signal, timeoutMs };
      outcome = await (options.launcher ? options.launcher.launch(request) : spawnProcess(request));
    } catch (err) {
      throw new CwlExecutionError(`cannot start '${command[0]}': ${(err as Error).message}`, { cause: err });
    }
  }
  const status = classify(tool, outcome.exitCode, outcome.killed);
  runtime.exitCode = outcome.exitCode;
  const hints = saberHints(tool);
  const metrics = hints.scoreFormat || hints.parseMetrics
    ? parseMetrics(`${await readFile(stdoutPath, 'utf8').catch(() => '')}\n${await readFile(stderrPath, 'utf8').catch(() => '')}`, hints.scoreFormat, hints.parseMetrics)
    : {};
  const outputs = status === 'success'
    ? await collectOutputs(tool, outdir, hostScope, settings, { stdoutPath: stdoutName !== undefined ? stdoutPath : undefined, stderrPath: stderrName !== undefined ? stderrPath : undefined }, box?.toHost)
    : {};
  return {
    outputs, exitCode: outcome.exitCode, status, stdoutPath: stdoutName !== undefined || hints.scoreFormat ? stdoutPath : undefined, stderrPath,
    durationMs: outcome.durationMs, peakMemoryBytes: outcome.peakMemoryBytes, command, warnings, metrics,
    ...(outcome.imageDigest !== undefined ? { imageDigest: outcome.imageDigest } : {}),
  };
}

async function streamName(field: string | undefined, needed: boolean, scope: ExpressionScope, settings: ReturnType<typeof expressionSettings>): Promise<string | undefined> {
  if (field !== undefined) {
    const name = String(await evaluateExpression(field, scope, settings));
    if (isAbsolute(name) || name.split('/').includes('..')) throw new CwlExecutionError(`stdout/stderr name '${name}' must be relative to the output directory`);
    return name;
  }
  return needed ? randomBytes(8).toString('hex') : undefined;
}

async function toolEnvironment(tool: CommandLineTool, base: Record<string, string>, scope: ExpressionScope, settings: ReturnType<typeof expressionSettings>): Promise<Record<string, string>> {
  const env: Record<string, string> = { ...base };
  const req = findRequirement(tool, 'EnvVarRequirement');
  const defs = req?.envDef;
  const list = Array.isArray(defs) ? defs : defs && typeof defs === 'object' ? Object.entries(defs).map(([envName, envValue]) => ({ envName, envValue })) : [];
  for (const d of list as { envName: string; envValue: string }[]) env[d.envName] = String(await evaluateExpression(String(d.envValue), scope, settings));
  return env;
}

/** The ToolTimeLimit in ms, `undefined` for none or 0 (unlimited). */
async function toolTimeLimitMs(tool: CommandLineTool, scope: ExpressionScope, settings: ReturnType<typeof expressionSettings>): Promise<number | undefined> {
  const req = findRequirement(tool, 'ToolTimeLimit');
  if (!req || req.timelimit === undefined) return undefined;
  const value = typeof req.timelimit === 'string' ? await evaluateExpression(req.timelimit, scope, settings) : req.timelimit;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) throw new CwlExecutionError(`ToolTimeLimit: timelimit must be a non-negative number of seconds, got ${JSON.stringify(value)}`);
  return seconds === 0 ? undefined : seconds * 1000;
}

function minLimit(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function classify(tool: CommandLineTool, exitCode: number | null, killed: boolean): ToolStatus {
  if (killed || exitCode === null) return 'killed';
  if (tool.permanentFailCodes?.includes(exitCode)) return 'permanentFail';
  if (tool.temporaryFailCodes?.includes(exitCode)) return 'temporaryFail';
  return (tool.successCodes ?? [0]).includes(exitCode) ? 'success' : 'permanentFail';
}
