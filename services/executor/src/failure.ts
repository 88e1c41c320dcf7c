import type { FailureType } from '@saber/contracts';
import { CwlError, CwlInputError, CwlUnsupportedError, CwlValidationError } from '@saber/cwl';
import type { ExecutionResult } from './backends/execution-backend';

/** A classified failure of one attempt. */
export interface Failure {
  type: FailureType;
  retryable: boolean;
  message: string;
  exitCode?: number;
}

/**
 * Decides from the CWL verdict whether an attempt failed, of what kind, and whether
 * a retry can help: `temporaryFailCodes` retry; `permanentFailCodes` and other
 * non-success codes do not (the same inputs fail the same way); a process killed by
 * a signal (time limit or the OOM killer) is retried once more attempts allow.
 */
export function classifyExit(_tool: Record<string, unknown>, result: ExecutionResult): Failure | null {
  const code = result.exitCode;
  switch (result.status) {
    case 'success':
      return null;
    case 'temporaryFail':
      return { type: 'tool-exit', retryable: true, message: `the tool exited with temporary-failure code ${code}`, exitCode: code };
    case 'killed':
      return { type: 'out-of-memory', retryable: true, message: 'the tool was killed by a signal (time limit or out of memory)', exitCode: code };
    default:
      return { type: 'tool-exit', retryable: false, message: `the tool exited with code ${code}`, exitCode: code };
  }
}

/** Classifies an exception thrown while preparing or running an attempt. */
export function classifyError(error: unknown): Failure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof CwlInputError) return { type: 'bad-input', retryable: false, message };
  if (error instanceof CwlValidationError || error instanceof CwlUnsupportedError) return { type: 'unsupported', retryable: false, message };
  if (error instanceof CwlError) return { type: 'bad-input', retryable: error.retryable, message };
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'EACCES') return { type: 'bad-input', retryable: false, message };
  return { type: 'internal', retryable: true, message };
}
