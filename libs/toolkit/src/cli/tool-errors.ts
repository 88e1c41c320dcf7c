/**
 * Errors of SABER command-line tools. The exit status is data on the error: a usage error
 * (a bad flag or value) exits 2, anything wrong with the inputs exits 1. Neither is retryable:
 * the same command fails the same way.
 */
export class ToolError extends Error {
  /** Process exit status for this error. */
  readonly exitCode: number = 1;
  /** Always false: the same invocation fails again. */
  readonly retryable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A flag or value the tool cannot take (exit status 2). */
export class ToolUsageError extends ToolError {
  override readonly exitCode = 2;
}

/** An input file or volume the tool cannot use: missing, wrong shape, wrong content (exit status 1). */
export class ToolInputError extends ToolError {}
