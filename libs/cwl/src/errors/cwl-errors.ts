/**
 * Typed errors of the CWL engine. Each condition has its own class so callers
 * (planner, executor, CLI) can map them to exit codes and failure messages;
 * whether a retry may help is data (`retryable`), never inferred from text.
 */

/** A position in a source document: 1-based line and column. */
export interface SourcePosition {
  /** Document path or URI as given to the loader. */
  file: string;
  /** 1-based line number; 0 when unknown. */
  line: number;
  /** 1-based column number; 0 when unknown. */
  column: number;
}

/** One problem found while loading or validating a CWL document. */
export interface ValidationIssue extends SourcePosition {
  /** Human-readable description, without the position prefix. */
  message: string;
}

/** Formats an issue as `file:line:column: message` (the format editors jump to). */
export function formatIssue(issue: ValidationIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.message}`;
}

/** Base class of every error raised by `@saber/cwl`. */
export abstract class CwlError extends Error {
  /** True when retrying the same operation unchanged may succeed. */
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The document is syntactically or semantically invalid CWL. Never retryable. */
export class CwlValidationError extends CwlError {
  readonly retryable = false;
  /** Every problem found, in document order. */
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[]) {
    super(`invalid CWL document:\n${issues.map(formatIssue).join('\n')}`);
    this.issues = issues;
  }
}

/** A workflow, tool or job document (or a referenced `run`/`$import`) does not exist. */
export class CwlNotFoundError extends CwlError {
  readonly retryable = false;
  /** The path or URI that could not be read. */
  readonly path: string;
  /** Where the missing document was referenced (`run:`, `$import`), when it was; its message says what was missing. */
  readonly issue?: ValidationIssue;
  constructor(path: string, options?: { cause?: unknown; referencedAt?: SourcePosition; detail?: string }) {
    const at = options?.referencedAt;
    const detail = options?.detail ?? `CWL document not found: ${path}`;
    super(at ? formatIssue({ ...at, message: detail }) : `CWL document not found: ${path}`, options);
    this.path = path;
    if (at) this.issue = { ...at, message: detail };
  }
}

/** A job input is missing or does not match its declared type. */
export class CwlInputError extends CwlError {
  readonly retryable = false;
  /** Id of the offending input parameter. */
  readonly input: string;
  /** Declared type, rendered in CWL shorthand (`File[]`, `int?`). */
  readonly expectedType: string;
  constructor(input: string, expectedType: string, detail: string) {
    super(`input '${input}' (expected ${expectedType}): ${detail}`);
    this.input = input;
    this.expectedType = expectedType;
  }
}

/** A CWL expression or parameter reference failed: syntax, runtime error, timeout, bad result. */
export class CwlExpressionError extends CwlError {
  readonly retryable = false;
  /** The expression text as written in the document (e.g. `$(inputs.x.path)`). */
  readonly expression: string;
  constructor(expression: string, detail: string, options?: { cause?: unknown }) {
    super(`expression ${truncate(expression)} failed: ${detail}`, options);
    this.expression = expression;
  }
}

/** The document uses a CWL feature this engine does not implement (CWL runners exit 33). */
export class CwlUnsupportedError extends CwlError {
  readonly retryable = false;
  /** Short name of the unsupported feature. */
  readonly feature: string;
  constructor(feature: string, detail?: string) {
    super(`unsupported CWL feature: ${feature}${detail ? ` (${detail})` : ''}`);
    this.feature = feature;
  }
}

/**
 * A tool ran but its result cannot be used: output collection failed, a declared
 * output is missing or has the wrong type, or the process could not be started.
 */
export class CwlExecutionError extends CwlError {
  /** Set by the raiser: e.g. a spawn failure from a transient resource problem is retryable. */
  readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options);
    this.retryable = options?.retryable ?? false;
  }
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
