import {
  AXES, SweepDefinitionError, arangeAt, arangeLength, loadPyYaml, parameterizationFromYaml, pythonFloatRepr,
  type Metaparameter, type ParameterValue, type Parameterization,
} from '@saber/sweep';
import { AGGREGATIONS, type Aggregation } from '../objective/aggregate';
import { SAMPLER_METHODS, type SamplerMethod } from '../samplers/sampler.types';
import { describeDimension, gridValues, type Dimension } from '../space/dimension';
import { discreteSize, gridSize } from '../space/search-space';
import { TPE_DEFAULTS } from '../samplers/tpe.sampler';
import { StudyDefinitionError } from './study-errors';
import {
  MAX_STUDY_PARALLEL, MAX_STUDY_TRIALS, type StudyBlocks, type StudyObjective, type StudyParameter, type StudySamplerSpec, type StudySpec,
} from './study-spec';
import { describe, isMapping, numberOf, scalarOf } from './yaml-values';

/** Top-level keys of a study file that are not metaparameters (`sampler` and `block` are the sweep format's). */
export const STUDY_KEYS = ['sampler', 'objective', 'budget', 'parallel', 'block'] as const;

/** Most values one `range` of a study may have. */
const MAX_RANGE_VALUES = 100_000;

const COMMON_SAMPLER_KEYS = ['method', 'max_iterations', 'seed'];
const METHOD_KEYS: Record<SamplerMethod, string[]> = {
  grid: [],
  random: ['replacement'],
  'batch-grid': ['batch_size'],
  resampling: ['round_size', 'shrink'],
  tpe: ['startup', 'candidates', 'gamma'],
};
const SPACE_TYPES = ['int', 'float', 'log-float', 'categorical'] as const;
const SPACE_KEYS = ['type', 'low', 'high', 'step', 'points', 'choices'];
const OBJECTIVE_KEYS = ['metric', 'output', 'key', 'direction', 'aggregation', 'bounds', 'early_stopping'];

/** Options of {@link parseStudy}. */
export interface ParseStudyOptions {
  /** Display name of the file in messages (default `study`). */
  source?: string;
  /**
   * Overrides of the file's `sampler:` block (to compare methods on one file). A new
   * method keeps the keys of the block that it knows (`max_iterations`, `seed`, its own
   * settings) and drops the other method's settings.
   */
  sampler?: { method?: SamplerMethod; seed?: number };
}

/**
 * Reads a study file: the original SABER parameterization format with its
 * `sampler:` block (`random` with `max_iterations`, `grid`, `batch-grid` with
 * `batch_size`), extended with typed parameters (`space: {type: int | float |
 * log-float | categorical, …}`), `objective`, `budget` and `parallel`. The original's
 * x/y/z min/max metaparameters and a `block:` section make every trial a block sweep.
 * Checks everything that does not need the workflow, the budget included.
 *
 * @throws SweepSyntaxError for invalid YAML (`<source>:<line>:<column>: <reason>`)
 * @throws StudyDefinitionError listing every problem as `<field>: <problem>`
 */
export function parseStudy(text: string, options: ParseStudyOptions = {}): StudySpec {
  const source = options.source ?? 'study';
  const doc = loadPyYaml(text, source);
  if (!isMapping(doc)) throw new StudyDefinitionError([`(root): must be a mapping of metaparameters, got ${describe(doc)}`]);
  const issues: string[] = [];
  const warnings: string[] = [];

  const rawSampler = withOverrides(doc.sampler, options.sampler);
  const sampler = parseSampler(rawSampler, issues);
  const parameters: StudyParameter[] = [];
  const sweepPart: Record<string, unknown> = {};
  const order: string[] = [];
  for (const [name, raw] of Object.entries(doc)) {
    if (['sampler', 'objective', 'budget', 'parallel'].includes(name)) continue;
    order.push(name);
    if (isMapping(raw) && raw.space !== undefined) {
      const p = parseTyped(name, raw, issues);
      if (p) parameters.push(p);
    } else sweepPart[name] = raw;
  }
  let parameterization: Parameterization | undefined;
  try {
    parameterization = parameterizationFromYaml(sweepPart, source);
  } catch (e) {
    if (!(e instanceof SweepDefinitionError)) throw e;
    issues.push(...e.issues);
  }
  const axisMetas: Metaparameter[] = [];
  for (const m of parameterization?.metaparameters ?? []) {
    if (m.parameters.mode === 'minmax') {
      if ((AXES as readonly string[]).includes(m.name)) axisMetas.push(m);
      else issues.push(`${m.name}.parameters: min/max (block mode) is for the block axes x, y and z; a tuned parameter sets one input: {abs: <input>}`);
      continue;
    }
    const p = rangeParameter(m, issues);
    if (p) parameters.push(p);
  }
  parameters.sort((a, b) => order.indexOf(a.dimension.name) - order.indexOf(b.dimension.name));
  const blocks: StudyBlocks | undefined =
    axisMetas.length || parameterization?.block
      ? { metaparameters: axisMetas, parameterization: blockParameterizationYaml(axisMetas), ...(parameterization?.block ? { block: parameterization.block } : {}) }
      : undefined;

  const objective = parseObjective(doc.objective, issues, blocks !== undefined);
  const parallel = parseParallel(doc.parallel, issues);
  const rawBudget = parseBudget(doc.budget, rawSampler, issues);
  const space = parameters.map((p) => p.dimension);
  if (parameters.length === 0 && issues.length === 0) issues.push('(root): the study has no parameters to tune: add a metaparameter with range (the original format) or space');
  let trials = rawBudget.trials;
  if (sampler && parameters.length > 0) trials = checkBudget(space, sampler, rawBudget, issues);
  if (sampler?.method === 'tpe' && trials !== undefined && trials <= (sampler.startup ?? TPE_DEFAULTS.startup)) {
    warnings.push(`sampler.startup: TPE models the objective after ${sampler.startup ?? TPE_DEFAULTS.startup} trials; with ${trials} trials this study is a random search`);
  }
  if (sampler?.method === 'batch-grid' && doc.parallel !== undefined) warnings.push('parallel: ignored by batch-grid, which runs sampler.batch_size trials at a time');
  if (issues.length) throw new StudyDefinitionError(issues);
  return {
    source,
    parameters,
    space,
    sampler: sampler!,
    objective: objective!,
    budget: { trials: trials!, ...(rawBudget.seconds !== undefined ? { seconds: rawBudget.seconds } : {}) },
    parallel: sampler!.method === 'batch-grid' ? sampler!.batchSize! : parallel,
    ...(blocks ? { blocks } : {}),
    warnings,
  };
}

function withOverrides(raw: unknown, o: ParseStudyOptions['sampler']): unknown {
  if (!o || (o.method === undefined && o.seed === undefined)) return raw;
  const base = isMapping(raw) ? { ...raw } : {};
  if (o.method !== undefined && base.method !== o.method) {
    const keep = [...COMMON_SAMPLER_KEYS, ...METHOD_KEYS[o.method]];
    for (const k of Object.keys(base)) if (!keep.includes(k)) delete base[k];
    base.method = o.method;
  }
  if (o.seed !== undefined) base.seed = o.seed;
  return base;
}

function knownKeys(raw: Record<string, unknown>, path: string, known: readonly string[], issues: string[], suffix = ''): void {
  for (const k of Object.keys(raw)) if (!known.includes(k)) issues.push(`${path}: unknown key '${k}' (known${suffix}: ${known.join(', ')})`);
}

function integer(v: unknown, path: string, min: number, max: number, issues: string[]): number | undefined {
  const n = numberOf(v);
  if (!n || n.float || !Number.isSafeInteger(n.n) || n.n < min || n.n > max) {
    issues.push(`${path}: must be an integer from ${min} to ${max}, got ${describe(v)}`);
    return undefined;
  }
  return n.n;
}

function real(v: unknown, path: string, issues: string[], check?: (n: number) => string | undefined): number | undefined {
  const n = numberOf(v);
  if (!n || !Number.isFinite(n.n)) {
    issues.push(`${path}: must be a number, got ${describe(v)}`);
    return undefined;
  }
  const bad = check?.(n.n);
  if (bad) {
    issues.push(`${path}: ${bad}, got ${describe(v)}`);
    return undefined;
  }
  return n.n;
}

function parseSampler(raw: unknown, issues: string[]): StudySamplerSpec | undefined {
  const known = SAMPLER_METHODS.join(', ');
  if (raw === undefined) {
    issues.push(`sampler: missing: a study needs sampler.method (one of ${known})`);
    return undefined;
  }
  if (!isMapping(raw)) {
    issues.push(`sampler: must be a mapping, got ${describe(raw)}`);
    return undefined;
  }
  const method = raw.method;
  if (method === undefined) {
    issues.push(`sampler.method: missing (one of ${known})`);
    return undefined;
  }
  if (typeof method !== 'string' || !(SAMPLER_METHODS as readonly string[]).includes(method)) {
    issues.push(`sampler.method: unknown method ${describe(method)} (known: ${known})`);
    return undefined;
  }
  const m = method as SamplerMethod;
  const before = issues.length;
  knownKeys(raw, 'sampler', [...COMMON_SAMPLER_KEYS, ...METHOD_KEYS[m]], issues, ` for ${m}`);
  const spec: StudySamplerSpec = { method: m };
  if (raw.seed !== undefined) spec.seed = integer(raw.seed, 'sampler.seed', 0, 0xffff_ffff, issues);
  if (m === 'batch-grid') {
    if (raw.batch_size === undefined) issues.push('sampler.batch_size: missing (batch-grid starts batch_size trials at a time)');
    else spec.batchSize = integer(raw.batch_size, 'sampler.batch_size', 1, MAX_STUDY_PARALLEL, issues);
  }
  if (raw.replacement !== undefined) {
    if (typeof raw.replacement !== 'boolean') issues.push(`sampler.replacement: must be true or false, got ${describe(raw.replacement)}`);
    else spec.replacement = raw.replacement;
  }
  if (raw.startup !== undefined) spec.startup = integer(raw.startup, 'sampler.startup', 1, MAX_STUDY_TRIALS, issues);
  if (raw.candidates !== undefined) spec.candidates = integer(raw.candidates, 'sampler.candidates', 1, 10_000, issues);
  if (raw.gamma !== undefined) spec.gamma = real(raw.gamma, 'sampler.gamma', issues, (n) => (n > 0 && n <= 1 ? undefined : 'must be greater than 0 and at most 1'));
  if (raw.round_size !== undefined) spec.roundSize = integer(raw.round_size, 'sampler.round_size', 1, MAX_STUDY_TRIALS, issues);
  if (raw.shrink !== undefined) spec.shrink = real(raw.shrink, 'sampler.shrink', issues, (n) => (n >= 0 && n < 1 ? undefined : 'must be at least 0 and less than 1'));
  return issues.length > before ? undefined : spec;
}

function parseTyped(name: string, raw: Record<string, unknown>, issues: string[]): StudyParameter | undefined {
  const before = issues.length;
  knownKeys(raw, name, ['space', 'parameters', 'steps'], issues);
  if (raw.range !== undefined) issues.push(`${name}: give range (the original's values) or space (a typed parameter), not both`);
  const dimension = parseSpace(name, raw.space, issues);
  let input = name;
  if (raw.parameters !== undefined) {
    const p = raw.parameters;
    if (isMapping(p) && Object.keys(p).length === 1 && typeof p.abs === 'string' && p.abs.length > 0) input = p.abs;
    else issues.push(`${name}.parameters: a space sets one input: {abs: <input>}, got ${isMapping(p) ? `{${Object.keys(p).sort().join(', ')}}` : describe(p)}`);
  }
  let steps: string[] | undefined;
  if (raw.steps !== undefined) {
    if (Array.isArray(raw.steps) && raw.steps.every((s) => typeof s === 'string' && s.length > 0)) steps = raw.steps as string[];
    else issues.push(`${name}.steps: must be a list of step names, got ${describe(raw.steps)}`);
  }
  if (issues.length > before || !dimension) return undefined;
  return { dimension, input, ...(steps ? { steps } : {}), form: 'space' };
}

function parseSpace(name: string, raw: unknown, issues: string[]): Dimension | undefined {
  const path = `${name}.space`;
  if (!isMapping(raw)) {
    issues.push(`${path}: must be a mapping {type, low, high} or {type: categorical, choices}, got ${describe(raw)}`);
    return undefined;
  }
  const before = issues.length;
  knownKeys(raw, path, SPACE_KEYS, issues);
  const type = raw.type;
  if (typeof type !== 'string' || !(SPACE_TYPES as readonly string[]).includes(type)) {
    issues.push(`${path}.type: ${type === undefined ? 'missing' : `unknown type ${describe(type)}`} (known: ${SPACE_TYPES.join(', ')})`);
    return undefined;
  }
  const notFor = (key: string, why: string) => {
    if (raw[key] !== undefined) issues.push(`${path}.${key}: not for ${type}${why}`);
  };
  if (type === 'categorical') {
    for (const k of ['low', 'high', 'step', 'points']) notFor(k, ' (give choices)');
    const choices = raw.choices;
    if (!Array.isArray(choices)) {
      issues.push(`${path}.choices: ${choices === undefined ? 'missing' : `must be a list, got ${describe(choices)}`}`);
      return undefined;
    }
    if (choices.length === 0) issues.push(`${path}.choices: empty: give at least one value`);
    const values: ParameterValue[] = [];
    choices.forEach((c, i) => {
      const v = scalarOf(c);
      if (!v) issues.push(`${path}.choices[${i}]: must be a scalar, got ${describe(c)}`);
      else if (values.some((x) => x.value === v.value)) issues.push(`${path}.choices[${i}]: ${v.text} is listed twice`);
      else values.push(v);
    });
    return issues.length > before ? undefined : { kind: 'choice', name, values, ordered: false };
  }
  notFor('choices', '');
  if (raw.low === undefined) issues.push(`${path}.low: missing`);
  if (raw.high === undefined) issues.push(`${path}.high: missing`);
  if (raw.low === undefined || raw.high === undefined) return undefined;
  if (type === 'int') {
    notFor('points', ' (every integer is a grid point)');
    const low = integer(raw.low, `${path}.low`, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, issues);
    const high = integer(raw.high, `${path}.high`, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, issues);
    const step = raw.step === undefined ? 1 : integer(raw.step, `${path}.step`, 1, Number.MAX_SAFE_INTEGER, issues);
    if (low !== undefined && high !== undefined && low > high) issues.push(`${path}: empty range: low ${low} is greater than high ${high}`);
    return issues.length > before ? undefined : { kind: 'int', name, low: low!, high: high!, step: step! };
  }
  const log = type === 'log-float';
  const low = real(raw.low, `${path}.low`, issues, log ? (n) => (n > 0 ? undefined : 'must be greater than 0 for log-float') : undefined);
  const high = real(raw.high, `${path}.high`, issues);
  if (low !== undefined && high !== undefined && low >= high) issues.push(`${path}: empty range: low ${describe(raw.low)} is not less than high ${describe(raw.high)}`);
  let step: number | undefined;
  if (log) notFor('step', ' (use points for the grid)');
  else if (raw.step !== undefined) step = real(raw.step, `${path}.step`, issues, (n) => (n > 0 ? undefined : 'must be greater than 0'));
  const points = raw.points === undefined ? undefined : integer(raw.points, `${path}.points`, 1, MAX_RANGE_VALUES, issues);
  if (step !== undefined && points !== undefined) issues.push(`${path}: give step or points, not both`);
  if (issues.length > before) return undefined;
  return { kind: 'float', name, low: low!, high: high!, log, ...(step !== undefined ? { step } : {}), ...(points !== undefined ? { points } : {}) };
}

/** The original's value-mode metaparameter as a tuned parameter: its values in file order. */
function rangeParameter(m: Metaparameter, issues: string[]): StudyParameter | undefined {
  let values: ParameterValue[];
  if (m.range.kind === 'list') values = m.range.values;
  else {
    const n = arangeLength(m.range);
    if (n > MAX_RANGE_VALUES) {
      issues.push(`${m.name}.range: ${n} values; a tuned range may have at most ${MAX_RANGE_VALUES} (use space: {type: float, low, high} for a continuous parameter)`);
      return undefined;
    }
    const r = m.range;
    values = Array.from({ length: n }, (_, i) => {
      const v = arangeAt(r, i);
      return r.float ? { text: pythonFloatRepr(v), value: v, kind: 'float' as const } : { text: String(v), value: v, kind: 'int' as const };
    });
  }
  const ordered = values.every((v) => v.kind === 'int' || v.kind === 'float');
  const input = m.parameters.mode === 'abs' ? m.parameters.abs : m.name;
  return { dimension: { kind: 'choice', name: m.name, values, ordered }, input, ...(m.steps ? { steps: m.steps } : {}), form: 'range' };
}

/** The x/y/z metaparameters as parameterization YAML for the blocker. */
function blockParameterizationYaml(metas: Metaparameter[]): string {
  const num = (n: number, float: boolean) => (float ? pythonFloatRepr(n) : String(n));
  return metas
    .map((m) => {
      const r = m.range;
      const range = r.kind === 'arange' ? `{start: ${num(r.start, r.float)}, stop: ${num(r.stop, r.stopFloat)}, step: ${num(r.step, r.float)}}` : JSON.stringify(r.values.map((v) => v.value));
      const p = m.parameters.mode === 'minmax' ? `{min: ${JSON.stringify(m.parameters.min)}, max: ${JSON.stringify(m.parameters.max)}}` : `{abs: ${JSON.stringify(m.parameters.abs)}}`;
      return `${m.name}:\n  range: ${range}\n  parameters: ${p}\n${m.steps ? `  steps: ${JSON.stringify(m.steps)}\n` : ''}`;
    })
    .join('');
}

function parseObjective(raw: unknown, issues: string[], hasBlocks: boolean): StudyObjective | undefined {
  const o: StudyObjective = { direction: 'maximize', aggregation: 'mean', earlyStopping: false };
  if (raw === undefined) return o;
  if (!isMapping(raw)) {
    issues.push(`objective: must be a mapping, got ${describe(raw)}`);
    return undefined;
  }
  const before = issues.length;
  knownKeys(raw, 'objective', OBJECTIVE_KEYS, issues);
  if (raw.metric !== undefined && raw.output !== undefined) issues.push('objective: give metric or output, not both');
  if (raw.metric !== undefined) {
    if (typeof raw.metric !== 'string' || !/^[^.\s]+(?:\/[^.\s]+)*\.[^\s]+$/.test(raw.metric)) issues.push(`objective.metric: must be <step>.<metric>, e.g. detect.score, got ${describe(raw.metric)}`);
    else o.metric = raw.metric;
  }
  if (raw.output !== undefined) {
    if (typeof raw.output !== 'string' || raw.output.length === 0) issues.push(`objective.output: must be the name of a workflow output, got ${describe(raw.output)}`);
    else o.output = raw.output;
  }
  if (raw.key !== undefined) {
    if (raw.output === undefined) issues.push('objective.key: only with objective.output');
    else if (typeof raw.key !== 'string' || raw.key.length === 0) issues.push(`objective.key: must be a name, got ${describe(raw.key)}`);
    else o.key = raw.key;
  }
  if (raw.direction !== undefined) {
    if (raw.direction !== 'maximize' && raw.direction !== 'minimize') issues.push(`objective.direction: must be maximize or minimize, got ${describe(raw.direction)}`);
    else o.direction = raw.direction;
  }
  if (raw.aggregation !== undefined) {
    if (typeof raw.aggregation !== 'string' || !(AGGREGATIONS as readonly string[]).includes(raw.aggregation)) {
      issues.push(`objective.aggregation: must be one of ${AGGREGATIONS.join(', ')}, got ${describe(raw.aggregation)}`);
    } else o.aggregation = raw.aggregation as Aggregation;
  }
  if (raw.bounds !== undefined) {
    const b = raw.bounds;
    const lo = Array.isArray(b) && b.length === 2 ? numberOf(b[0]) : undefined;
    const hi = Array.isArray(b) && b.length === 2 ? numberOf(b[1]) : undefined;
    if (!lo || !hi || !(lo.n < hi.n)) issues.push(`objective.bounds: must be [low, high] with low < high, got ${Array.isArray(b) ? `[${b.map(describe).join(', ')}]` : describe(b)}`);
    else o.bounds = [lo.n, hi.n];
  }
  if (raw.early_stopping !== undefined) {
    if (typeof raw.early_stopping !== 'boolean') issues.push(`objective.early_stopping: must be true or false, got ${describe(raw.early_stopping)}`);
    else if (raw.early_stopping) {
      if (raw.bounds === undefined) issues.push('objective.early_stopping: needs objective.bounds, the range the metric can take (e.g. [0, 1] for F1)');
      if (!hasBlocks) issues.push('objective.early_stopping: only trials with a block sweep report partial scores, and this study has no blocks');
      o.earlyStopping = true;
    }
  }
  return issues.length > before ? undefined : o;
}

function parseParallel(raw: unknown, issues: string[]): number {
  if (raw === undefined) return 1;
  return integer(raw, 'parallel', 1, MAX_STUDY_PARALLEL, issues) ?? 1;
}

function parseBudget(raw: unknown, sampler: unknown, issues: string[]): { trials?: number; seconds?: number } {
  const out: { trials?: number; seconds?: number } = {};
  const maxIterations = isMapping(sampler) ? sampler.max_iterations : undefined;
  let fromSampler: number | undefined;
  if (maxIterations !== undefined) fromSampler = integer(maxIterations, 'sampler.max_iterations', 1, MAX_STUDY_TRIALS, issues);
  if (raw !== undefined) {
    if (!isMapping(raw)) issues.push(`budget: must be a mapping {trials, seconds}, got ${describe(raw)}`);
    else {
      knownKeys(raw, 'budget', ['trials', 'seconds'], issues);
      if (raw.trials !== undefined) out.trials = integer(raw.trials, 'budget.trials', 1, MAX_STUDY_TRIALS, issues);
      if (raw.seconds !== undefined) out.seconds = real(raw.seconds, 'budget.seconds', issues, (n) => (n > 0 ? undefined : 'must be greater than 0'));
    }
  }
  if (fromSampler !== undefined && out.trials !== undefined && fromSampler !== out.trials) {
    issues.push(`budget.trials: ${out.trials} disagrees with sampler.max_iterations (${fromSampler}); give one`);
  }
  out.trials ??= fromSampler;
  return out;
}

/** Resolves the number of trials and checks that the budget can be spent on this space. */
function checkBudget(space: Dimension[], sampler: StudySamplerSpec, budget: { trials?: number; seconds?: number }, issues: string[]): number | undefined {
  const m = sampler.method;
  if (m === 'grid' || m === 'batch-grid') {
    const open = space.filter((d) => !gridValues(d));
    if (open.length) {
      issues.push(`sampler.method: ${m} needs a finite set of values per parameter; ${open.map((d) => `${d.name} (${describeDimension(d)})`).join(', ')} has neither step nor points`);
      return undefined;
    }
    const size = gridSize(space)!;
    if (budget.trials === undefined) {
      if (size > MAX_STUDY_TRIALS && budget.seconds === undefined) {
        issues.push(`budget.trials: the grid has ${size} points, more than a study may run (${MAX_STUDY_TRIALS}); give budget.trials to run the first ones`);
        return undefined;
      }
      return Math.min(size, MAX_STUDY_TRIALS);
    }
    if (budget.trials > size) {
      issues.push(`budget.trials: ${budget.trials} trials exceed the ${size} points of the grid (${m} runs each point once)`);
      return undefined;
    }
    return budget.trials;
  }
  const distinct = discreteSize(space);
  const repeats = m === 'random' && sampler.replacement === true;
  if (budget.trials === undefined && budget.seconds === undefined) {
    issues.push(`budget: missing: ${m} needs budget.trials (or sampler.max_iterations) and/or budget.seconds`);
    return undefined;
  }
  if (distinct !== undefined && !repeats && budget.trials !== undefined && budget.trials > distinct) {
    issues.push(
      `budget.trials: ${budget.trials} trials exceed the ${distinct} distinct points of the search space (${m} does not repeat a point` +
        `${m === 'random' ? '; sampler.replacement: true allows repeats' : ''})`,
    );
    return undefined;
  }
  return budget.trials ?? Math.min(MAX_STUDY_TRIALS, repeats ? MAX_STUDY_TRIALS : (distinct ?? MAX_STUDY_TRIALS));
}
