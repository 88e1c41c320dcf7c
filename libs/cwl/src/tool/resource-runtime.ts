import { CwlExecutionError } from '../errors/cwl-errors';
import { evaluateExpression, type ExpressionScope, type ExpressionSettings } from '../expressions/evaluate-expression';
import type { Requirement } from '../model/cwl.types';
import { isExactNumber } from '../util/exact-number';

/** The `runtime` amounts a ResourceRequirement decides: cores, and MiB (2**20 bytes) for the rest. */
export interface ResourceRuntime {
  cores: number;
  ram: number;
  outdirSize: number;
  tmpdirSize: number;
}

const RESOURCES = [
  ['cores', 'cores'],
  ['ram', 'ram'],
  ['outdirSize', 'outdir'],
  ['tmpdirSize', 'tmpdir'],
] as const;

/**
 * The `runtime.cores`, `runtime.ram`, `runtime.outdirSize` and `runtime.tmpdirSize`
 * reserved for a tool: for each resource the requirement names, its minimum
 * (`xMin`, or `xMax` when only that is given) rounded up to the next whole number
 * (at least 1: the reported amounts are non-zero integers), as CWL v1.2 asks of
 * fractional requests; `defaults` for the others and when there is no requirement.
 * Expressions see `scope` (the staged inputs).
 *
 * @throws CwlExecutionError for a negative or non-numeric amount, or a maximum below the minimum
 */
export async function resourceRuntime(req: Requirement | undefined, scope: ExpressionScope, settings: ExpressionSettings, defaults: ResourceRuntime): Promise<ResourceRuntime> {
  const out: ResourceRuntime = { ...defaults };
  if (!req) return out;
  for (const [key, prefix] of RESOURCES) {
    const min = await amount(req, `${prefix}Min`, scope, settings);
    const max = await amount(req, `${prefix}Max`, scope, settings);
    if (min !== undefined && max !== undefined && max < min) {
      throw new CwlExecutionError(`ResourceRequirement: ${prefix}Max (${max}) is less than ${prefix}Min (${min})`);
    }
    const chosen = min ?? max;
    if (chosen !== undefined) out[key] = Math.max(1, Math.ceil(chosen));
  }
  return out;
}

async function amount(req: Requirement, field: string, scope: ExpressionScope, settings: ExpressionSettings): Promise<number | undefined> {
  const raw = req[field];
  if (raw === undefined || raw === null) return undefined;
  const v = typeof raw === 'string' ? await evaluateExpression(raw, scope, settings) : raw;
  if (v === null || v === undefined) return undefined;
  const n = typeof v === 'number' ? v : isExactNumber(v) ? Number(v.$bigint) : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < 0) throw new CwlExecutionError(`ResourceRequirement.${field} must be a non-negative number, got ${JSON.stringify(v)}`);
  return n;
}
