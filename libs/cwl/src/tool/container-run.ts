import { cp, readlink, symlink, unlink } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import { CwlExecutionError } from '../errors/cwl-errors';
import { evaluateExpression, type ExpressionScope, type ExpressionSettings } from '../expressions/evaluate-expression';
import type { ContainerLauncher, ContainerLaunchOutcome, ContainerLaunchRequest } from '../launcher/container-launcher';
import type { CommandLineTool, Requirement } from '../model/cwl.types';
import {
  ContainerPathMap, containerInputs, DEFAULT_CONTAINER_OUTDIR, DEFAULT_CONTAINER_STAGING_DIR, DEFAULT_CONTAINER_TMPDIR,
} from './container-paths';
import type { InitialWorkDirPlacement } from './initial-workdir';
import { findRequirement } from './requirements';

/** How {@link runCommandLineTool} runs tools that have a DockerRequirement (requirement or hint). */
export interface ContainerRunOptions {
  /** Starts the container (e.g. the executor's Docker launcher). */
  launcher: ContainerLauncher;
  /** `runtime.outdir` inside the container (default `/var/spool/cwl`); `dockerOutputDirectory` wins. */
  outdir?: string;
  /** `runtime.tmpdir` inside the container (default `/tmp`). */
  tmpdir?: string;
  /** Container directory under which inputs are mounted (default `/var/lib/cwl`). */
  stagingDir?: string;
}

/** What the launch needs beyond the container view: everything with container paths, streams on the host. */
export type ContainerLaunchParts = Pick<ContainerLaunchRequest, 'argv' | 'env' | 'stdinPath' | 'stdoutPath' | 'stderrPath' | 'signal' | 'timeoutMs'>;

/** A prepared container run of one tool: the container view of its job and the hooks around the launch. */
export interface ContainerRun {
  /** Scope with container paths (inputs, runtime.outdir/tmpdir) for the command line, stdio names and InitialWorkDir. */
  scope: ExpressionScope;
  /** Places InitialWorkDir entries so that they resolve inside the container. */
  initialWorkDir: InitialWorkDirPlacement;
  /** Host path of a container path, `undefined` when no mount covers it. */
  toHost(path: string): string | undefined;
  /** Environment the tool starts from: HOME and TMPDIR in the container (the host's is not inherited). */
  baseEnv: Record<string, string>;
  /** Runs the container with the mounts known at this point. */
  launch(parts: ContainerLaunchParts): Promise<ContainerLaunchOutcome>;
  /** Points InitialWorkDir links made for the container back at the host files (before outputs are collected). */
  relink(): Promise<void>;
}

/** The host side of the run: directories and the staged (host-path) inputs. */
export interface HostSide {
  outdir: string;
  tmpdir: string;
  inputs: Record<string, unknown>;
  runtime: Record<string, unknown>;
  env?: Record<string, string>;
}

/**
 * Prepares a container run as cwltool does: inputs mounted read-only under
 * `/var/lib/cwl/stgN` (read-write with InplaceUpdateRequirement), the outdir at
 * `dockerOutputDirectory` or `/var/spool/cwl` and the tmpdir at `/tmp` (both
 * read-write); HOME is the container outdir and TMPDIR the container tmpdir.
 *
 * @throws CwlExecutionError for a relative `dockerOutputDirectory`
 */
export async function prepareContainerRun(
  tool: CommandLineTool, docker: Requirement, options: ContainerRunOptions, host: HostSide, settings: ExpressionSettings,
): Promise<ContainerRun> {
  const outdir = typeof docker.dockerOutputDirectory === 'string' ? docker.dockerOutputDirectory : (options.outdir ?? DEFAULT_CONTAINER_OUTDIR);
  const tmpdir = options.tmpdir ?? DEFAULT_CONTAINER_TMPDIR;
  if (!posix.isAbsolute(outdir)) throw new CwlExecutionError(`DockerRequirement: dockerOutputDirectory must be an absolute path, got '${outdir}'`);
  if (outdir === tmpdir) throw new CwlExecutionError(`DockerRequirement: dockerOutputDirectory must differ from the container tmpdir ${tmpdir}`);
  const inplace = findRequirement(tool, 'InplaceUpdateRequirement')?.inplaceUpdate === true;
  const map = new ContainerPathMap(options.stagingDir ?? DEFAULT_CONTAINER_STAGING_DIR);
  const inputs = (await containerInputs(host.inputs, map, inplace)) as Record<string, unknown>;
  // Added after the inputs: staged inputs in the host tmpdir may be links, mounted one by one.
  map.add(host.outdir, outdir, true);
  map.add(host.tmpdir, tmpdir, true);
  const scope: ExpressionScope = { inputs, runtime: { ...host.runtime, outdir, tmpdir } };
  const networkAccess = await evaluatedFlag(findRequirement(tool, 'NetworkAccess')?.networkAccess, scope, settings);
  const resources = await resourceMinimums(findRequirement(tool, 'ResourceRequirement'), scope, settings);

  const links: { link: string; hostSource: string; containerSource: string }[] = [];
  const external = new Set<string>();
  const within = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`);
  const initialWorkDir: InitialWorkDirPlacement = {
    hostTarget(name) {
      if (within(name, outdir)) return host.outdir + name.slice(outdir.length);
      if (within(name, tmpdir)) return host.tmpdir + name.slice(tmpdir.length);
      const target = join(host.tmpdir, 'initial-workdir', `e${external.size}`, basename(name));
      external.add(target);
      map.add(target, name, true);
      return target;
    },
    async place(source, target, writable) {
      const known = map.toHost(source);
      const hostSource = known ?? source;
      if (external.has(target) || (writable && !inplace)) {
        // A fresh copy: in the host outdir (mounted) or mounted where the absolute entryname says.
        await cp(hostSource, target, { recursive: true });
        return;
      }
      const containerSource = known !== undefined ? source : map.mountHostPath(source, writable && inplace);
      await symlink(containerSource, target);
      links.push({ link: target, hostSource, containerSource });
    },
  };
  return {
    scope,
    initialWorkDir,
    toHost: (path) => map.toHost(path),
    baseEnv: { ...host.env, HOME: outdir, TMPDIR: tmpdir },
    launch: (parts) => options.launcher.launch({ ...parts, docker, cwd: outdir, mounts: [...map.mounts], networkAccess, resources }),
    async relink() {
      for (const { link, hostSource, containerSource } of links) {
        if ((await readlink(link).catch(() => undefined)) !== containerSource) continue;
        await unlink(link);
        await symlink(hostSource, link);
      }
    },
  };
}

async function evaluatedFlag(value: unknown, scope: ExpressionScope, settings: ExpressionSettings): Promise<boolean> {
  const v = typeof value === 'string' ? await evaluateExpression(value, scope, settings) : value;
  return v === true;
}

/** ResourceRequirement `coresMin`/`ramMin` (falling back to the maxima), evaluated; `undefined` when absent. */
async function resourceMinimums(req: Requirement | undefined, scope: ExpressionScope, settings: ExpressionSettings): Promise<{ cores?: number; ramMiB?: number }> {
  if (!req) return {};
  const amount = async (field: string): Promise<number | undefined> => {
    const raw = req[field];
    if (raw === undefined || raw === null) return undefined;
    const v = typeof raw === 'string' ? await evaluateExpression(raw, scope, settings) : raw;
    if (v === null || v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new CwlExecutionError(`ResourceRequirement.${field} must be a positive number, got ${JSON.stringify(v)}`);
    return n;
  };
  const cores = (await amount('coresMin')) ?? (await amount('coresMax'));
  const ramMiB = (await amount('ramMin')) ?? (await amount('ramMax'));
  return { ...(cores !== undefined ? { cores } : {}), ...(ramMiB !== undefined ? { ramMiB } : {}) };
}
