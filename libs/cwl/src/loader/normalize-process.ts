import type {
  CommandLineBinding, CommandLineTool, CwlProcess, CwlType, ExpressionTool, ProcessBase, Requirement, Workflow, WorkflowStep,
} from '../model/cwl.types';
import { closestName } from '../util/suggest';
import { isRecord, shortName } from '../util/json';
import { fragmentOf, resolveUri, stripFragment } from '../util/uri';
import { CwlNotFoundError } from '../errors/cwl-errors';
import { checkDeclaredTypes } from './check-types';
import { isExtensionKey, PROCESS_FIELDS, REQUIREMENT_CLASSES, SUPPORTED_VERSIONS } from './known-fields';
import { positionOf, report, type NormalizeContext, type Scope } from './normalize-context';
import { localRef, normalizeInputs, normalizeOutputs, normalizeRequirements, resolveFileLocations } from './normalize-params';
import { isBefore12, normalizeSteps } from './normalize-step';
import { normalizeType } from './normalize-type';
import { validateWorkflowLinks } from './validate-workflow';
import { expandFormats } from './expand-formats';

/**
 * Loads the process at `uri` (a document URI, optionally with `#fragment` naming a
 * `$graph` entry) and normalizes it and everything it runs.
 * Problems are recorded in `ctx.store.issues`; returns `undefined` when the process
 * could not be normalized at all.
 */
export function normalizeProcessAt(uri: string, ctx: NormalizeContext, inherited?: Partial<Scope>): CwlProcess | undefined {
  const doc = ctx.store.get(uri);
  const docUri = stripFragment(uri);
  const selected = selectProcess(doc, fragmentOf(uri), ctx, { schemaDefs: new Map(), ...inherited, docUri });
  if (!selected) return undefined;
  const cwlVersion = (isRecord(doc) && typeof doc.cwlVersion === 'string' ? doc.cwlVersion : undefined) ?? inherited?.cwlVersion;
  const namespaces = { ...inherited?.namespaces, ...(isRecord(doc) && isRecord(doc.$namespaces) ? (doc.$namespaces as Record<string, string>) : {}) };
  return normalizeProcess(selected, ctx, { docUri, cwlVersion, schemaDefs: inherited?.schemaDefs ?? new Map(), namespaces }, uri);
}

function selectProcess(doc: unknown, fragment: string | undefined, ctx: NormalizeContext, scope: Scope): Record<string, unknown> | undefined {
  if (!isRecord(doc)) {
    report(ctx, scope, doc, undefined, 'a CWL document must be a mapping');
    return undefined;
  }
  if (!Array.isArray(doc.$graph)) return doc;
  const graph = doc.$graph.filter(isRecord);
  const idOf = (p: Record<string, unknown>): string => (typeof p.id === 'string' ? p.id.replace(/^#/, '') : '');
  const wanted = fragment ?? 'main';
  const found = graph.find((p) => idOf(p) === wanted) ?? graph.find((p) => shortName(idOf(p)) === wanted);
  if (found) return found;
  if (fragment === undefined && graph.length === 1) return graph[0];
  const names = graph.map(idOf);
  const hint = closestName(wanted, names);
  report(ctx, scope, doc, '$graph', `no process '#${wanted}' in $graph (has ${names.map((n) => `#${n}`).join(', ')})${hint ? `; did you mean '#${hint}'?` : ''}`);
  return undefined;
}

/** Normalizes one raw process object (already selected from its document). */
export function normalizeProcess(raw: Record<string, unknown>, ctx: NormalizeContext, parent: Scope, uri: string): CwlProcess | undefined {
  const docUri = ctx.store.originOf(raw) ?? parent.docUri;
  const cwlVersion = typeof raw.cwlVersion === 'string' ? raw.cwlVersion : parent.cwlVersion;
  const namespaces = { ...parent.namespaces, ...(isRecord(raw.$namespaces) ? (raw.$namespaces as Record<string, string>) : {}) };
  const scope: Scope = { docUri, cwlVersion, schemaDefs: parent.schemaDefs, namespaces };
  if (typeof raw.cwlVersion === 'string' && !SUPPORTED_VERSIONS.has(raw.cwlVersion)) {
    report(ctx, scope, raw, 'cwlVersion', `unsupported cwlVersion '${raw.cwlVersion}' (expected v1.0, v1.1 or v1.2)`, 'value');
  }
  const cls = raw.class;
  const fields = typeof cls === 'string' ? PROCESS_FIELDS[cls] : undefined;
  if (!fields) {
    const hint = typeof cls === 'string' ? closestName(cls, Object.keys(PROCESS_FIELDS)) : undefined;
    const what = cls === undefined ? "missing 'class'" : `unknown class '${String(cls)}'`;
    report(ctx, scope, raw, cls === undefined ? undefined : 'class', `${what} (expected CommandLineTool, ExpressionTool or Workflow)${hint ? `; did you mean '${hint}'?` : ''}`, 'value');
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (fields.includes(key) || isExtensionKey(key)) continue;
    const hint = closestName(key, fields);
    report(ctx, scope, raw, key, `unknown field '${key}' in ${String(cls)}${hint ? `; did you mean '${hint}'?` : ''}`);
  }
  checkRequiredFields(raw, String(cls), ctx, scope);
  checkRequirementClasses(raw.requirements, ctx, scope);
  const requirements = normalizeRequirements(raw.requirements);
  const hints = normalizeRequirements(raw.hints);
  if (isBefore12(cwlVersion)) checkIntegerResources(requirements, raw, ctx, scope);
  scope.schemaDefs = withSchemaDefs(scope.schemaDefs, requirements);
  checkDeclaredTypes(raw.inputs, 'input', ctx, scope);
  checkDeclaredTypes(raw.outputs, 'output', ctx, scope);
  const id = typeof raw.id === 'string' ? shortName(raw.id.replace(/#$/, '')) : '';
  const fullId = typeof raw.id === 'string' ? raw.id.slice(raw.id.indexOf('#') + 1) : '';
  const base: ProcessBase = {
    ...copyExtras(raw),
    id,
    ...(cwlVersion ? { cwlVersion } : {}),
    inputs: normalizeInputs(raw.inputs, docUri, scope.schemaDefs),
    outputs: normalizeOutputs(raw.outputs, scope.schemaDefs, (r) => localRef(r, fullId)),
    requirements: requirements.map((r) => normalizeRequirementBody(r, scope)),
    hints: hints.map((r) => normalizeRequirementBody(r, scope)),
  };
  if (Object.keys(namespaces).length > 0) base.$namespaces = namespaces;
  if (Array.isArray(raw.$schemas) && raw.$schemas.length > 0) base.$schemas = raw.$schemas.map((s) => resolveUri(String(s), docUri));
  expandFormats(base, namespaces);
  if (cls === 'CommandLineTool') return normalizeCommandLineTool(raw, base, ctx, scope);
  if (cls === 'ExpressionTool') return { ...base, class: 'ExpressionTool', expression: String(raw.expression ?? '') } as ExpressionTool;
  if (ctx.runStack.includes(uri)) {
    report(ctx, scope, raw, undefined, `workflow ${uri} runs itself (recursive 'run')`);
    return undefined;
  }
  ctx.runStack.push(uri);
  try {
    const pairs = normalizeSteps(raw.steps, ctx, scope, fullId, (ref, rawRun) => resolveRun(ref, rawRun, ctx, scope, uri));
    const workflow: Workflow = { ...base, class: 'Workflow', steps: pairs.map((p) => p.step) };
    validateWorkflowLinks(workflow, raw, pairs, ctx, scope);
    return workflow;
  } finally {
    ctx.runStack.pop();
  }
}

function resolveRun(ref: string | Record<string, unknown>, rawStep: unknown, ctx: NormalizeContext, scope: Scope, parentUri: string): CwlProcess | undefined {
  if (typeof ref === 'string') {
    const base = ctx.store.originOf(rawStep) ?? scope.docUri;
    const target = resolveUri(ref, base);
    if (ctx.runStack.includes(target)) {
      report(ctx, scope, rawStep, 'run', `'run: ${ref}' is recursive`, 'value');
      return undefined;
    }
    try {
      return normalizeProcessAt(target, ctx, { cwlVersion: scope.cwlVersion, schemaDefs: scope.schemaDefs, namespaces: scope.namespaces });
    } catch (err) {
      if (!(err instanceof CwlNotFoundError) || err.issue) throw err;
      const at = positionOf(ctx, scope, rawStep, 'run', 'value');
      const step = isRecord(rawStep) && typeof rawStep.id === 'string' ? `step '${shortName(rawStep.id)}': ` : '';
      throw new CwlNotFoundError(err.path, { cause: err, referencedAt: at, detail: `${step}'run: ${ref}': no such file ${err.path}` });
    }
  }
  const innerId = typeof ref.id === 'string' ? ref.id : `${parentUri}/${ctx.runStack.length}`;
  return normalizeProcess(ref, ctx, scope, innerId.includes(':') ? innerId : `${stripFragment(parentUri)}#${innerId.replace(/^#/, '')}`);
}

/** `inputs` and `outputs` are required of every process, `steps` of a workflow, `expression` of an ExpressionTool. */
function checkRequiredFields(raw: Record<string, unknown>, cls: string, ctx: NormalizeContext, scope: Scope): void {
  const required = ['inputs', 'outputs', ...(cls === 'Workflow' ? ['steps'] : cls === 'ExpressionTool' ? ['expression'] : [])];
  for (const field of required) {
    if (raw[field] !== undefined) continue;
    const empty = field === 'expression' ? '' : ` (write '${field}: []' when there are none)`;
    report(ctx, scope, raw, 'class', `${cls} is missing required field '${field}'${empty}`);
  }
}

/** `requirements` must name known classes (unknown ones belong in `hints` or under a namespace prefix). */
function checkRequirementClasses(raw: unknown, ctx: NormalizeContext, scope: Scope): void {
  const entries: [string, unknown, string | number][] = Array.isArray(raw)
    ? raw.map((r, i) => [isRecord(r) ? String(r.class) : String(r), isRecord(r) ? r : raw, isRecord(r) ? 'class' : i])
    : isRecord(raw)
      ? Object.keys(raw).map((cls) => [cls, raw, cls])
      : [];
  for (const [cls, node, key] of entries) {
    if (REQUIREMENT_CLASSES.includes(cls) || isExtensionKey(cls)) continue;
    const hint = closestName(cls, REQUIREMENT_CLASSES);
    const advice = hint ? `did you mean '${hint}'?` : "move it to 'hints' or give it a namespace prefix (e.g. 'saber:')";
    report(ctx, scope, node, key, `unknown requirement '${cls}'; ${advice}`, Array.isArray(raw) ? 'value' : 'key');
  }
}

/** Before v1.2, ResourceRequirement amounts are integers (`coresMin: .5` is invalid). */
function checkIntegerResources(requirements: Requirement[], raw: Record<string, unknown>, ctx: NormalizeContext, scope: Scope): void {
  const rr = requirements.find((r) => r.class === 'ResourceRequirement');
  if (!rr) return;
  for (const [k, v] of Object.entries(rr)) {
    if (typeof v === 'number' && !Number.isInteger(v)) {
      report(ctx, scope, raw, 'requirements', `ResourceRequirement.${k}: ${v} is not an integer (fractional amounts need cwlVersion v1.2)`);
    }
  }
}

function normalizeCommandLineTool(raw: Record<string, unknown>, base: ProcessBase, ctx: NormalizeContext, scope: Scope): CommandLineTool {
  const tool: CommandLineTool = {
    ...base,
    class: 'CommandLineTool',
    baseCommand: raw.baseCommand === undefined ? [] : (Array.isArray(raw.baseCommand) ? raw.baseCommand : [raw.baseCommand]).map(String),
    arguments: Array.isArray(raw.arguments) ? raw.arguments.map((a) => (isRecord(a) ? (a as CommandLineBinding) : String(a))) : [],
  };
  for (const key of ['stdin', 'stdout', 'stderr'] as const) if (typeof raw[key] === 'string') tool[key] = raw[key] as string;
  for (const key of ['successCodes', 'temporaryFailCodes', 'permanentFailCodes'] as const) {
    if (Array.isArray(raw[key])) tool[key] = (raw[key] as unknown[]).map(Number);
  }
  expandStdinShortcut(tool, raw, ctx, scope);
  return tool;
}

/**
 * An input of `type: stdin` is a File fed to the tool's standard input: its type
 * becomes `File` and `stdin` becomes `$(inputs.<id>.path)`. At most one such input,
 * and none together with an explicit `stdin`.
 */
function expandStdinShortcut(tool: CommandLineTool, raw: Record<string, unknown>, ctx: NormalizeContext, scope: Scope): void {
  const shortcuts = tool.inputs.filter((p) => p.type === 'stdin');
  if (shortcuts.length === 0) return;
  if (shortcuts.length > 1 || tool.stdin !== undefined) {
    const what = shortcuts.length > 1 ? `inputs ${shortcuts.map((p) => `'${p.id}'`).join(', ')} all have` : `input '${shortcuts[0].id}' has`;
    report(ctx, scope, raw, tool.stdin !== undefined ? 'stdin' : 'inputs', `${what} type 'stdin'; a tool reads standard input from one source only (drop the explicit 'stdin' or all but one such input)`);
    return;
  }
  const param = shortcuts[0];
  param.type = 'File';
  tool.stdin = /^[A-Za-z_$][\w$]*$/.test(param.id) ? `$(inputs.${param.id}.path)` : `$(inputs[${JSON.stringify(param.id)}].path)`;
}

const STRUCTURAL = new Set(['class', 'id', 'cwlVersion', 'inputs', 'outputs', 'requirements', 'hints', 'steps', 'baseCommand', 'arguments', 'expression', '$namespaces', '$schemas', '$graph', '$base']);

function copyExtras(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (!STRUCTURAL.has(k)) out[k] = v;
  return out;
}

function withSchemaDefs(defs: Scope['schemaDefs'], requirements: Requirement[]): Scope['schemaDefs'] {
  const sdr = requirements.find((r) => r.class === 'SchemaDefRequirement');
  if (!sdr || !Array.isArray(sdr.types)) return defs;
  const next = new Map(defs);
  for (const t of sdr.types) {
    if (isRecord(t) && typeof t.name === 'string') next.set(shortName(t.name), normalizeType(t, next));
  }
  return next;
}

function normalizeRequirementBody(req: Requirement, scope: Scope): Requirement {
  if (req.class === 'SchemaDefRequirement' && Array.isArray(req.types)) {
    return { ...req, types: req.types.map((t) => normalizeType(t, scope.schemaDefs)) as CwlType[] };
  }
  if (req.class === 'InlineJavascriptRequirement' && req.expressionLib !== undefined) {
    return { ...req, expressionLib: (Array.isArray(req.expressionLib) ? req.expressionLib : [req.expressionLib]).map(String) };
  }
  // File/Directory objects written in the listing name documents next to this one.
  if (req.class === 'InitialWorkDirRequirement' && Array.isArray(req.listing)) {
    return { ...req, listing: resolveFileLocations(req.listing, scope.docUri) };
  }
  return req;
}

/** Re-exported for step normalization. */
export type { WorkflowStep };
