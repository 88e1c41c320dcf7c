import { lstat } from 'node:fs/promises';
import { basename, posix } from 'node:path';
import type { ContainerMount } from '../launcher/container-launcher';
import type { CwlDirectory, CwlFile } from '../model/cwl.types';
import { isExactNumber } from '../util/exact-number';
import { isRecord } from '../util/json';
import { pathToUri } from '../util/uri';
import { locationToPath } from './stage-inputs';

/** Container outdir when DockerRequirement has no `dockerOutputDirectory` (as cwltool). */
export const DEFAULT_CONTAINER_OUTDIR = '/var/spool/cwl';
/** Container tmpdir (as cwltool). */
export const DEFAULT_CONTAINER_TMPDIR = '/tmp';
/** Container directory under which inputs are mounted, one `stgN` directory each (as cwltool). */
export const DEFAULT_CONTAINER_STAGING_DIR = '/var/lib/cwl';

/**
 * The bind mounts of one container run and the translation between host and
 * container paths. A path maps through the mount with the longest matching prefix
 * (a file mount matches only itself).
 */
export class ContainerPathMap {
  readonly mounts: ContainerMount[] = [];
  private next = 0;

  constructor(private readonly stagingDir = DEFAULT_CONTAINER_STAGING_DIR) {}

  /** Adds a bind mount of `hostPath` at `containerPath`. */
  add(hostPath: string, containerPath: string, writable: boolean): void {
    this.mounts.push({ hostPath, containerPath, writable });
  }

  /** A fresh, unused container directory for staged inputs (`/var/lib/cwl/stgN`). */
  freshStagingDir(): string {
    return posix.join(this.stagingDir, `stg${this.next++}`);
  }

  /** The container path of a host path, `undefined` when no mount covers it. */
  toContainer(hostPath: string): string | undefined {
    return translate(hostPath, this.mounts, 'hostPath', 'containerPath');
  }

  /** The host path of a container path, `undefined` when no mount covers it. */
  toHost(containerPath: string): string | undefined {
    return translate(containerPath, this.mounts, 'containerPath', 'hostPath');
  }

  /** The container path of a host File/Directory, mounting it in a fresh staging directory when no mount covers it yet. */
  mountHostPath(hostPath: string, writable: boolean, name = basename(hostPath)): string {
    const known = this.toContainer(hostPath);
    if (known !== undefined) return known;
    const containerPath = posix.join(this.freshStagingDir(), name);
    this.add(hostPath, containerPath, writable);
    return containerPath;
  }
}

function translate(path: string, mounts: readonly ContainerMount[], from: 'hostPath' | 'containerPath', to: 'hostPath' | 'containerPath'): string | undefined {
  let best: ContainerMount | undefined;
  for (const m of mounts) {
    const prefix = m[from];
    if ((path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)) && (!best || prefix.length > best[from].length)) best = m;
  }
  return best ? best[to] + path.slice(best[from].length) : undefined;
}

/**
 * The container view of staged inputs: every File/Directory gets a container `path`
 * (and `dirname`); `location` keeps the host URI, as in cwltool. Each File or
 * Directory not yet covered is mounted in its own `stgN` directory, its secondary
 * files beside it. A Directory whose listing holds symbolic links (a staged literal)
 * is mounted entry by entry, because links to host paths do not resolve inside the
 * container.
 */
export async function containerInputs(value: unknown, map: ContainerPathMap, writable: boolean): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((v) => containerInputs(v, map, writable)));
  if (!isRecord(value) || isExactNumber(value)) return value;
  if (value.class === 'File' || value.class === 'Directory') return mountObject(value as CwlFile | CwlDirectory, map, writable);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = await containerInputs(v, map, writable);
  return out;
}

async function mountObject(obj: CwlFile | CwlDirectory, map: ContainerPathMap, writable: boolean, stageDir?: string): Promise<CwlFile | CwlDirectory> {
  const host = hostPathOf(obj);
  if (host === undefined) return obj;
  const name = obj.basename ?? basename(host);
  let containerPath = map.toContainer(host);
  if (containerPath === undefined) {
    containerPath = posix.join(stageDir ?? map.freshStagingDir(), name);
    if (obj.class === 'Directory' && Array.isArray(obj.listing) && (await holdsLinks(obj.listing))) {
      // Mounted entry by entry (below); the directory itself exists in the container as their parent.
      const out: CwlDirectory = { ...obj, path: containerPath };
      out.listing = [];
      for (const entry of obj.listing) out.listing.push(await mountObject(entry, map, writable, containerPath));
      return out;
    }
    map.add(host, containerPath, writable);
  }
  if (obj.class === 'File') {
    const out: CwlFile = { ...obj, path: containerPath, dirname: posix.dirname(containerPath) };
    if (obj.secondaryFiles) {
      out.secondaryFiles = [];
      for (const s of obj.secondaryFiles) out.secondaryFiles.push(await mountObject(s, map, writable, posix.dirname(containerPath)));
    }
    return out;
  }
  const out: CwlDirectory = { ...obj, path: containerPath };
  if (Array.isArray(obj.listing)) {
    out.listing = [];
    for (const entry of obj.listing) out.listing.push(await mountObject(entry, map, writable, containerPath));
  }
  return out;
}

async function holdsLinks(listing: readonly (CwlFile | CwlDirectory)[]): Promise<boolean> {
  for (const entry of listing) {
    const path = hostPathOf(entry);
    if (path !== undefined && (await lstat(path).catch(() => undefined))?.isSymbolicLink()) return true;
  }
  return false;
}

function hostPathOf(obj: CwlFile | CwlDirectory): string | undefined {
  if (typeof obj.path === 'string') return obj.path;
  return typeof obj.location === 'string' ? locationToPath(obj.location) : undefined;
}

/**
 * Maps the absolute `location`/`path` of every File/Directory in `value` (e.g. a
 * tool's `cwl.output.json`, written with container paths) to host paths; relative
 * references and paths no mount covers are kept.
 */
export function hostFileObjects(value: unknown, toHost: (containerPath: string) => string | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => hostFileObjects(v, toHost));
  if (!isRecord(value) || isExactNumber(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = hostFileObjects(v, toHost);
  if (value.class === 'File' || value.class === 'Directory') {
    for (const field of ['location', 'path'] as const) {
      const ref = value[field];
      if (typeof ref !== 'string') continue;
      const isUri = ref.startsWith('file:');
      if (!isUri && !ref.startsWith('/')) continue;
      const host = toHost(isUri ? locationToPath(ref) : ref);
      if (host !== undefined) out[field] = isUri ? pathToUri(host) : host;
    }
  }
  return out;
}
