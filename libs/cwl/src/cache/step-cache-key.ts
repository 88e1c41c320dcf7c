import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandLineTool, CwlTool } from '../model/cwl.types';
import { findRequirement } from '../tool/requirements';
import { sha1Checksum } from '../tool/file-objects';
import { locationToPath } from '../tool/stage-inputs';
import { canonicalHash } from '../util/canonical-json';
import { isRecord } from '../util/json';

/** Version of the key layout: bump it when what goes into a key changes. */
export const STEP_CACHE_KEY_VERSION = 1;

/** What else a step's result depends on, beside the tool and its inputs. */
export interface StepCacheContext {
  /** Content hash of the self-contained tool document (requirements and hints merged in). */
  toolHash: string;
  /** Executor backend (`local`, `docker`): a container and a host process may differ. */
  backend: string;
  /** Container image digest, where the backend knows it. */
  imageDigest?: string;
  /** Variables of the tool's environment that do not come from the tool document. */
  env?: Record<string, string>;
}

/**
 * Whether a tool's results may be reused: CommandLineTools only (an ExpressionTool
 * costs less than a lookup), and not when `WorkReuse: {enableReuse: false}` says
 * the tool must run every time.
 */
export function isCacheable(tool: CwlTool): tool is CommandLineTool {
  if (tool.class !== 'CommandLineTool') return false;
  const reuse = findRequirement(tool, 'WorkReuse') as { enableReuse?: unknown } | undefined;
  return reuse?.enableReuse !== false;
}

/**
 * The step cache key of running `tool` on `inputs`: a SHA-256 over the tool
 * document's hash, the inputs with every File and Directory replaced by its
 * content (SHA-1 checksums of the bytes, names, formats, secondary files; never
 * locations or modification times), the backend, the image digest and the extra
 * environment. The resolved command line is a function of exactly these, so
 * two tasks with equal keys run the same command on the same bytes. File checksums
 * are reused while a file's identity is unchanged (see sha1Checksum).
 *
 * @throws Error when an input file cannot be read (the caller runs the tool, which reports it)
 */
export async function stepCacheKey(inputs: Record<string, unknown>, context: StepCacheContext): Promise<string> {
  const content = await contentOf(inputs);
  return canonicalHash({ v: STEP_CACHE_KEY_VERSION, tool: context.toolHash, backend: context.backend, image: context.imageDigest ?? null, env: context.env ?? {}, inputs: content });
}

async function contentOf(value: unknown): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((v) => contentOf(v)));
  if (!isRecord(value)) return value;
  if (value.class === 'File') return fileContent(value);
  if (value.class === 'Directory') return directoryContent(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = await contentOf(v);
  return out;
}

async function fileContent(file: Record<string, unknown>): Promise<unknown> {
  const path = pathOf(file);
  let checksum: string;
  if (path) checksum = await sha1Checksum(path, { reuse: true });
  else if (typeof file.contents === 'string') checksum = `sha1$${createHash('sha1').update(file.contents).digest('hex')}`;
  else throw new Error(`input File ${String(file.basename ?? file.location)} has neither a location nor contents`);
  return {
    class: 'File',
    basename: file.basename ?? null,
    checksum,
    format: file.format ?? null,
    secondaryFiles: Array.isArray(file.secondaryFiles) ? await Promise.all(file.secondaryFiles.map((f) => contentOf(f))) : [],
  };
}

async function directoryContent(dir: Record<string, unknown>): Promise<unknown> {
  const path = pathOf(dir);
  let listing: unknown[];
  if (path) {
    listing = [];
    for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const child = join(path, entry.name);
      listing.push(entry.isDirectory()
        ? await directoryContent({ class: 'Directory', path: child, basename: entry.name })
        : { class: 'File', basename: entry.name, checksum: await sha1Checksum(child, { reuse: true }) });
    }
  } else {
    listing = Array.isArray(dir.listing) ? ((await contentOf(dir.listing)) as unknown[]) : [];
  }
  return { class: 'Directory', basename: dir.basename ?? null, listing };
}

function pathOf(o: Record<string, unknown>): string | undefined {
  if (typeof o.path === 'string') return o.path;
  if (typeof o.location === 'string' && (o.location.startsWith('file:') || o.location.startsWith('/'))) return locationToPath(o.location);
  return undefined;
}
