/**
 * The normalized, JSON-serializable CWL model produced by the loader.
 *
 * Normalization rules (so consumers never deal with the many spellings of CWL):
 * - `inputs`, `outputs`, `steps`, `requirements`, `hints`, step `in`/`out` and
 *   record `fields` are always lists; every entry has a short `id` (no `#`, no URI).
 * - Types are expanded: `File[]` → `{type: 'array', items: 'File'}`, `int?` →
 *   `['null', 'int']`; named `SchemaDefRequirement` types are inlined.
 * - Step `source` and workflow `outputSource` are lists of local references:
 *   `input` (a workflow input) or `step/output`.
 * - `run` is always an embedded process object (the document is self-contained).
 * - `default` File/Directory locations are absolute `file://` URIs.
 * Unknown extension fields (with a namespace prefix, e.g. `saber:queue`) are kept.
 */

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A CWL type: a primitive or named type, a union (list), or an array/record/enum schema. */
export type CwlType = string | CwlType[] | ArraySchema | RecordSchema | EnumSchema;

/** `{type: array, items}`. */
export interface ArraySchema {
  type: 'array';
  items: CwlType;
  inputBinding?: CommandLineBinding;
  name?: string;
  label?: string;
  doc?: unknown;
}

/** A field of a record schema. */
export interface RecordField {
  name: string;
  type: CwlType;
  inputBinding?: CommandLineBinding;
  outputBinding?: CommandOutputBinding;
  secondaryFiles?: SecondaryFileSchema[];
  format?: unknown;
  loadContents?: boolean;
  doc?: unknown;
  label?: string;
}

/** `{type: record, fields}`. */
export interface RecordSchema {
  type: 'record';
  fields: RecordField[];
  name?: string;
  inputBinding?: CommandLineBinding;
  label?: string;
  doc?: unknown;
}

/** `{type: enum, symbols}` (symbols are short names). */
export interface EnumSchema {
  type: 'enum';
  symbols: string[];
  name?: string;
  inputBinding?: CommandLineBinding;
  label?: string;
  doc?: unknown;
}

/** How a value is rendered on the command line (CWL `CommandLineBinding`). */
export interface CommandLineBinding {
  position?: number | string;
  prefix?: string;
  separate?: boolean;
  itemSeparator?: string;
  valueFrom?: string;
  shellQuote?: boolean;
  loadContents?: boolean;
}

/** How an output is collected (CWL `CommandOutputBinding`). */
export interface CommandOutputBinding {
  glob?: string | string[];
  loadContents?: boolean;
  loadListing?: string;
  outputEval?: string;
}

/** A secondary file pattern (`.bai`, `^.bai`, an expression) and whether it is required. */
export interface SecondaryFileSchema {
  pattern: string;
  required?: boolean | string;
}

/** Fields shared by input and output parameters. */
interface ParameterBase {
  id: string;
  type: CwlType;
  label?: string;
  doc?: unknown;
  format?: unknown;
  secondaryFiles?: SecondaryFileSchema[];
  streamable?: boolean;
  [extension: string]: unknown;
}

/** An input parameter of any process. */
export interface InputParameter extends ParameterBase {
  default?: JsonValue;
  inputBinding?: CommandLineBinding;
  loadContents?: boolean;
  loadListing?: string;
}

/** An output parameter of any process. */
export interface OutputParameter extends ParameterBase {
  outputBinding?: CommandOutputBinding;
  outputSource?: string[];
  linkMerge?: LinkMergeMethod;
  pickValue?: PickValueMethod;
}

/** A requirement or hint: `class` plus its fields. */
export interface Requirement {
  class: string;
  [field: string]: unknown;
}

/** How multiple sources are combined. */
export type LinkMergeMethod = 'merge_nested' | 'merge_flattened';
/** How null values among sources are resolved (CWL v1.2). */
export type PickValueMethod = 'first_non_null' | 'the_only_non_null' | 'all_non_null';
/** How scattered inputs are combined. */
export type ScatterMethod = 'dotproduct' | 'nested_crossproduct' | 'flat_crossproduct';

/** Fields common to every process class. */
export interface ProcessBase {
  id: string;
  cwlVersion?: string;
  label?: string;
  doc?: unknown;
  inputs: InputParameter[];
  outputs: OutputParameter[];
  requirements: Requirement[];
  hints: Requirement[];
  intent?: string[];
  [extension: string]: unknown;
}

/** A command-line tool. `arguments` entries are bindings or plain strings/expressions. */
export interface CommandLineTool extends ProcessBase {
  class: 'CommandLineTool';
  baseCommand: string[];
  arguments: (string | CommandLineBinding)[];
  stdin?: string;
  stdout?: string;
  stderr?: string;
  successCodes?: number[];
  temporaryFailCodes?: number[];
  permanentFailCodes?: number[];
}

/** A process whose outputs are computed by one JavaScript expression. */
export interface ExpressionTool extends ProcessBase {
  class: 'ExpressionTool';
  expression: string;
}

/** One input of a workflow step. */
export interface WorkflowStepInput {
  id: string;
  source: string[];
  /** True when `source` was written as a list (affects merge semantics); absent otherwise. */
  sourceIsList?: boolean;
  linkMerge?: LinkMergeMethod;
  pickValue?: PickValueMethod;
  default?: JsonValue;
  valueFrom?: string;
  loadContents?: boolean;
  [extension: string]: unknown;
}

/** One step of a workflow; `run` is the embedded process. */
export interface WorkflowStep {
  id: string;
  in: WorkflowStepInput[];
  out: string[];
  run: CwlProcess;
  requirements: Requirement[];
  hints: Requirement[];
  scatter?: string[];
  scatterMethod?: ScatterMethod;
  when?: string;
  label?: string;
  doc?: unknown;
  [extension: string]: unknown;
}

/** A workflow. */
export interface Workflow extends ProcessBase {
  class: 'Workflow';
  steps: WorkflowStep[];
}

/** A tool that can run as one task. */
export type CwlTool = CommandLineTool | ExpressionTool;

/** Any normalized process. */
export type CwlProcess = CommandLineTool | ExpressionTool | Workflow;

/** A CWL `File` object as seen by expressions and outputs. */
export interface CwlFile {
  class: 'File';
  location?: string;
  path?: string;
  basename?: string;
  dirname?: string;
  nameroot?: string;
  nameext?: string;
  size?: number;
  checksum?: string;
  contents?: string;
  format?: string;
  secondaryFiles?: (CwlFile | CwlDirectory)[];
  [extension: string]: unknown;
}

/** A CWL `Directory` object. */
export interface CwlDirectory {
  class: 'Directory';
  location?: string;
  path?: string;
  basename?: string;
  listing?: (CwlFile | CwlDirectory)[];
  [extension: string]: unknown;
}

/** Result of {@link loadDocument}. */
export interface LoadedProcess {
  /** The normalized, self-contained process (plain JSON). */
  process: CwlProcess;
  /** `file://` URI of the document, with `#fragment` when one was selected from a `$graph`. */
  uri: string;
  /** sha256 hex of the canonical JSON (sorted keys) of `process`. */
  contentHash: string;
  /** A short display name: the process id, else the file name without extension. */
  name: string;
}
