import { evaluateExpression, type ExpressionScope, type ExpressionSettings } from '../expressions/evaluate-expression';
import { matchingMember } from '../job/type-match';
import type { ArraySchema, CommandLineBinding, CommandLineTool, CwlType, EnumSchema, RecordSchema } from '../model/cwl.types';
import { isExactNumber, stringifyCwlJson } from '../util/exact-number';
import { isRecord } from '../util/json';
import { findRequirement } from './requirements';

/** One command-line word and whether it may be shell-quoted. */
export interface CommandWord {
  text: string;
  /** False for `shellQuote: false` bindings (only meaningful with ShellCommandRequirement). */
  quote: boolean;
}

/** The process to start: an argv, or one shell string for ShellCommandRequirement. */
export interface CommandLine {
  /** Words in order (baseCommand, then sorted bindings). */
  words: CommandWord[];
  /** True when ShellCommandRequirement is in effect: run `/bin/sh -c <shell string>`. */
  shell: boolean;
}

type SortKey = (number | string)[];

interface Entry {
  key: SortKey;
  words: CommandWord[];
}

/**
 * Builds the command line of a CommandLineTool (CWL "Building the command line"):
 * `baseCommand`, then `arguments` and input bindings sorted by `position`
 * (ties: arguments by index, inputs by name), each value rendered by type.
 */
export async function buildCommandLine(tool: CommandLineTool, scope: ExpressionScope, settings: ExpressionSettings): Promise<CommandLine> {
  const entries: Entry[] = [];
  for (const [index, arg] of tool.arguments.entries()) {
    const binding: CommandLineBinding = typeof arg === 'string' ? { valueFrom: arg } : arg;
    const position = await positionOf(binding, scope, null, settings);
    const value = binding.valueFrom !== undefined ? await evaluateExpression(binding.valueFrom, scope, settings) : null;
    entries.push({ key: [position, index], words: await render('Any', { ...binding, valueFrom: undefined }, value, scope, settings) });
  }
  for (const param of tool.inputs) {
    const value = scope.inputs[param.id];
    if (param.inputBinding) {
      const position = await positionOf(param.inputBinding, scope, value, settings);
      entries.push({ key: [position, param.id], words: await render(param.type, param.inputBinding, value, scope, settings) });
    } else if (hasNestedBinding(param.type)) {
      const fields = await unboundRecordEntries(param.type, value, scope, settings);
      entries.push(...(fields ?? [{ key: [0, param.id], words: await render(param.type, undefined, value, scope, settings) }]));
    }
  }
  entries.sort((a, b) => compareKeys(a.key, b.key));
  const words = [...tool.baseCommand.map((text) => ({ text, quote: true })), ...entries.flatMap((e) => e.words)];
  return { words, shell: findRequirement(tool, 'ShellCommandRequirement') !== undefined };
}

/** Joins words into one `/bin/sh` command, quoting each unless `quote` is false. */
export function toShellString(words: readonly CommandWord[]): string {
  return words.map((w) => (w.quote ? shellQuote(w.text) : w.text)).join(' ');
}

/** POSIX single-quote quoting, only when the word has characters the shell would interpret. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

async function render(type: CwlType, binding: CommandLineBinding | undefined, raw: unknown, scope: ExpressionScope, settings: ExpressionSettings): Promise<CommandWord[]> {
  if (raw === null || raw === undefined) return [];
  let value: unknown = raw;
  if (binding?.valueFrom !== undefined) value = await evaluateExpression(binding.valueFrom, { ...scope, self: raw }, settings);
  if (value === null || value === undefined) return [];
  const member = matchingMember(value, type) ?? type;
  const quote = binding?.shellQuote !== false;
  const prefix = binding?.prefix;
  const head: CommandWord[] = prefix !== undefined ? [{ text: prefix, quote }] : [];
  if (Array.isArray(value)) {
    if (value.length === 0) return [];
    if (binding?.itemSeparator !== undefined) return withPrefix(binding, value.map(toText).join(binding.itemSeparator), quote);
    const items = isSchema(member) && member.type === 'array' ? member.items : 'Any';
    // The array schema's own inputBinding applies to each item (`-XXX -YYY a -YYY b`).
    const itemBinding = (isSchema(member) && member.type === 'array' ? member.inputBinding : undefined) ?? (isSchema(items) ? items.inputBinding : undefined);
    const rendered: CommandWord[] = [];
    for (const item of value) rendered.push(...(await render(items, itemBinding ?? (binding ? {} : undefined), item, scope, settings)));
    return [...head, ...rendered];
  }
  if (isRecord(value) && value.class !== 'File' && value.class !== 'Directory' && !isExactNumber(value)) {
    if (!binding && !hasNestedBinding(member)) return [];
    const fields = isSchema(member) && member.type === 'record' ? member.fields.filter((f) => f.inputBinding) : [];
    const keyed: Entry[] = [];
    for (const f of fields) {
      const fieldValue = value[f.name];
      const position = await positionOf(f.inputBinding as CommandLineBinding, scope, fieldValue, settings);
      keyed.push({ key: [position, f.name], words: await render(f.type, f.inputBinding, fieldValue, scope, settings) });
    }
    keyed.sort((a, b) => compareKeys(a.key, b.key));
    return [...head, ...keyed.flatMap((e) => e.words)];
  }
  if (typeof value === 'boolean') return value ? head : [];
  if (!binding) return [];
  return withPrefix(binding, toText(value), quote);
}

/**
 * The field bindings of a record value whose parameter has no `inputBinding` of its own:
 * they join the tool's top-level sort by their own `position` (as in cwltool), so they
 * interleave with `arguments`. Null when the value is not such a record.
 */
async function unboundRecordEntries(type: CwlType, value: unknown, scope: ExpressionScope, settings: ExpressionSettings): Promise<Entry[] | null> {
  if (!isRecord(value) || value.class === 'File' || value.class === 'Directory' || isExactNumber(value)) return null;
  const member = matchingMember(value, type) ?? type;
  if (!isSchema(member) || member.type !== 'record') return null;
  const entries: Entry[] = [];
  for (const f of member.fields) {
    const fieldValue = value[f.name];
    if (f.inputBinding) {
      const position = await positionOf(f.inputBinding, scope, fieldValue, settings);
      entries.push({ key: [position, f.name], words: await render(f.type, f.inputBinding, fieldValue, scope, settings) });
    } else if (hasNestedBinding(f.type)) {
      entries.push(...((await unboundRecordEntries(f.type, fieldValue, scope, settings)) ?? [{ key: [0, f.name], words: await render(f.type, undefined, fieldValue, scope, settings) }]));
    }
  }
  return entries;
}

function withPrefix(binding: CommandLineBinding, text: string, quote: boolean): CommandWord[] {
  if (binding.prefix === undefined) return [{ text, quote }];
  if (binding.separate === false) return [{ text: binding.prefix + text, quote }];
  return [{ text: binding.prefix, quote }, { text, quote }];
}

function toText(value: unknown): string {
  if (isRecord(value) && (value.class === 'File' || value.class === 'Directory')) return String(value.path ?? value.location);
  if (typeof value === 'string') return value;
  if (isExactNumber(value)) return value.$bigint;
  return stringifyCwlJson(value);
}

function hasNestedBinding(type: CwlType): boolean {
  if (Array.isArray(type)) return type.some(hasNestedBinding);
  if (!isSchema(type)) return false;
  if (type.type === 'array') return isSchema(type.items) && (type.items.inputBinding !== undefined || hasNestedBinding(type.items));
  if (type.type === 'record') return type.fields.some((f) => f.inputBinding !== undefined);
  return false;
}

async function positionOf(binding: CommandLineBinding, scope: ExpressionScope, self: unknown, settings: ExpressionSettings): Promise<number> {
  const p = binding.position;
  if (p === undefined || p === null) return 0;
  if (typeof p === 'number') return p;
  const v = await evaluateExpression(p, { ...scope, self }, settings);
  return typeof v === 'number' ? v : Number(v) || 0;
}

function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function isSchema(type: CwlType | undefined): type is ArraySchema | RecordSchema | EnumSchema {
  return typeof type === 'object' && type !== null && !Array.isArray(type);
}
