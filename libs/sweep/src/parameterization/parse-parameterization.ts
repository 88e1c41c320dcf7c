import { parseBlockSection } from '../blocks/block-section';
import { SweepDefinitionError } from '../errors/sweep-errors';
import { loadPyYaml } from '../yaml/pyyaml-schema';
import { describeYaml, numberOf, scalarValue, type ParameterValue } from '../yaml/python-values';
import { arangeLength } from './arange';
import type { Metaparameter, MetaparameterRange, MetaparameterTargets, Parameterization } from './parameterization.types';

/** Top-level keys that are not metaparameters: `sampler` (the optimizer's) and `block` (SABER's block section). */
export const RESERVED_KEYS = ['sampler', 'block'] as const;

const META_KEYS = ['range', 'parameters', 'steps'];

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(numberOf(v) !== undefined);
}

function parseRange(raw: unknown, path: string, issues: string[]): MetaparameterRange | undefined {
  if (Array.isArray(raw)) {
    if (raw.length === 0) {
      issues.push(`${path}: must not be empty`);
      return undefined;
    }
    const values: ParameterValue[] = [];
    raw.forEach((v, i) => {
      const value = scalarValue(v);
      if (value) values.push(value);
      else issues.push(`${path}[${i}]: must be a scalar, got ${describeYaml(v)}`);
    });
    return values.length === raw.length ? { kind: 'list', values } : undefined;
  }
  if (!isMapping(raw)) {
    issues.push(`${path}: must be a mapping {start, stop, step} or a list, got ${describeYaml(raw)}`);
    return undefined;
  }
  const before = issues.length;
  for (const k of Object.keys(raw)) if (!['start', 'stop', 'step'].includes(k)) issues.push(`${path}: unknown key '${k}' (known: start, stop, step)`);
  const num = (key: string, fallback: number) => {
    if (raw[key] === undefined) return { n: fallback, float: false };
    const n = numberOf(raw[key]);
    if (!n || !Number.isFinite(n.n)) issues.push(`${path}.${key}: must be a number, got ${describeYaml(raw[key])}`);
    return n;
  };
  if (raw.stop === undefined) issues.push(`${path}: missing stop`);
  const start = num('start', 0);
  const stop = raw.stop === undefined ? undefined : num('stop', 0);
  const step = num('step', 1);
  if (step && Number.isFinite(step.n) && step.n <= 0) issues.push(`${path}.step: must be greater than 0, got ${describeYaml(raw.step)}`);
  if (issues.length > before || !start || !stop || !step) return undefined;
  const range = { kind: 'arange' as const, start: start.n, stop: stop.n, step: step.n, float: start.float || stop.float || step.float, stopFloat: stop.float };
  if (arangeLength(range) === 0) {
    issues.push(`${path}: start (${describeYaml(raw.start ?? 0)}) must be less than stop (${describeYaml(raw.stop)})`);
    return undefined;
  }
  return range;
}

function parseTargets(raw: unknown, path: string, issues: string[]): MetaparameterTargets | undefined {
  const keys = isMapping(raw) ? Object.keys(raw).sort() : undefined;
  const shape = keys ? `{${keys.join(', ')}}` : describeYaml(raw);
  const name = (key: string): string | undefined => {
    const v = (raw as Record<string, unknown>)[key];
    if (typeof v === 'string' && v.length > 0) return v;
    issues.push(`${path}.${key}: must be an input name, got ${describeYaml(v)}`);
    return undefined;
  };
  if (keys && keys.length === 2 && keys[0] === 'max' && keys[1] === 'min') {
    const min = name('min');
    const max = name('max');
    return min && max ? { mode: 'minmax', min, max } : undefined;
  }
  if (keys && keys.length === 1 && keys[0] === 'abs') {
    const abs = name('abs');
    return abs ? { mode: 'abs', abs } : undefined;
  }
  issues.push(`${path}: must be {min, max} or {abs}, got ${shape}`);
  return undefined;
}

function parseSteps(raw: unknown, path: string, issues: string[]): string[] | undefined {
  if (!Array.isArray(raw)) {
    issues.push(`${path}: must be a list of step names, got ${describeYaml(raw)}`);
    return undefined;
  }
  const steps: string[] = [];
  raw.forEach((s, i) => {
    if (typeof s === 'string' && s.length > 0) steps.push(s);
    else issues.push(`${path}[${i}]: must be a step name, got ${describeYaml(s)}`);
  });
  return steps;
}

function parseMetaparameter(name: string, raw: unknown, issues: string[]): Metaparameter | undefined {
  if (!isMapping(raw)) {
    issues.push(`${name}: must be a mapping with range, parameters and steps, got ${describeYaml(raw)}`);
    return undefined;
  }
  const before = issues.length;
  for (const k of Object.keys(raw)) if (!META_KEYS.includes(k)) issues.push(`${name}: unknown key '${k}' (known: ${META_KEYS.join(', ')})`);
  if (raw.range === undefined) issues.push(`${name}: missing range`);
  if (raw.parameters === undefined) issues.push(`${name}: missing parameters`);
  const range = raw.range === undefined ? undefined : parseRange(raw.range, `${name}.range`, issues);
  const parameters = raw.parameters === undefined ? undefined : parseTargets(raw.parameters, `${name}.parameters`, issues);
  const steps = raw.steps === undefined ? undefined : parseSteps(raw.steps, `${name}.steps`, issues);
  if (parameters?.mode === 'minmax' && isMapping(raw.range)) {
    const keys = Object.keys(raw.range);
    if (!['start', 'stop', 'step'].every((k) => keys.includes(k))) issues.push(`${name}.parameters: min/max needs a range with start, stop and step`);
  } else if (parameters?.mode === 'minmax' && Array.isArray(raw.range)) {
    issues.push(`${name}.parameters: min/max needs a range with start, stop and step`);
  }
  if (issues.length > before || !range || !parameters) return undefined;
  return { name, range, parameters, ...(steps ? { steps } : {}) };
}

/** Options of {@link parseParameterization}. */
export interface ParseParameterizationOptions {
  /** Display name of the file in messages (default `parameterization`). */
  source?: string;
}

/**
 * Reads an original SABER parameterization file (`conduit parse -p`, and the same
 * format for `conduit optimize`): a YAML mapping of metaparameters, each with
 * `range` (`{start, stop, step}` = `numpy.arange`, or a list used verbatim),
 * `parameters` (`{min, max}` block mode or `{abs}` value mode) and `steps`. The
 * top-level `sampler:` and `block:` keys are taken out (see {@link RESERVED_KEYS}).
 * YAML is typed as PyYAML types it.
 *
 * @throws SweepSyntaxError for invalid YAML (`<source>:<line>:<column>: <reason>`)
 * @throws SweepDefinitionError listing every problem as `<field>: <problem>`
 */
export function parseParameterization(text: string, options: ParseParameterizationOptions = {}): Parameterization {
  const source = options.source ?? 'parameterization';
  return parameterizationFromYaml(loadPyYaml(text, source), source);
}

/**
 * Like {@link parseParameterization}, for an already loaded document (loaded with
 * `loadPyYaml` so that floats are told from integers).
 *
 * @throws SweepDefinitionError listing every problem
 */
export function parameterizationFromYaml(doc: unknown, source = 'parameterization'): Parameterization {
  const issues: string[] = [];
  const result: Parameterization = { source, metaparameters: [] };
  if (doc === null || doc === undefined) return result;
  if (!isMapping(doc)) throw new SweepDefinitionError([`(root): must be a mapping of metaparameters, got ${describeYaml(doc)}`]);
  for (const [name, raw] of Object.entries(doc)) {
    if (name === 'sampler') {
      if (isMapping(raw)) result.sampler = raw;
      else issues.push(`sampler: must be a mapping, got ${describeYaml(raw)}`);
    } else if (name === 'block') {
      const block = parseBlockSection(raw, issues);
      if (block) result.block = block;
    } else {
      const m = parseMetaparameter(name, raw, issues);
      if (m) result.metaparameters.push(m);
    }
  }
  if (issues.length) throw new SweepDefinitionError(issues);
  return result;
}
