import { getQuickJS, type QuickJSWASMModule } from 'quickjs-emscripten';
import { CwlExpressionError } from '../errors/cwl-errors';
import { isExactNumber } from '../util/exact-number';

/** Memory a single evaluation may allocate inside the sandbox (bytes). */
export const EXPRESSION_MEMORY_LIMIT_BYTES = 64 * 1024 * 1024;

let modulePromise: Promise<QuickJSWASMModule> | undefined;

/** The shared QuickJS WebAssembly module, loaded once per process. */
export function quickJsModule(): Promise<QuickJSWASMModule> {
  modulePromise ??= getQuickJS();
  return modulePromise;
}

/**
 * Evaluates `body` (JavaScript producing a value) in a fresh QuickJS context with
 * `globals` defined as variables and `expressionLib` loaded first. The sandbox has
 * no `require`, `process`, filesystem or network; the result crosses as JSON.
 *
 * @param raw the expression as written, for error messages
 * @throws CwlExpressionError on a JavaScript error, a timeout or memory exhaustion
 */
export async function evaluateJavaScript(
  body: string,
  raw: string,
  globals: Record<string, unknown>,
  expressionLib: readonly string[],
  timeoutMs: number,
): Promise<unknown> {
  const qjs = await quickJsModule();
  const runtime = qjs.newRuntime();
  runtime.setMemoryLimit(EXPRESSION_MEMORY_LIMIT_BYTES);
  runtime.setMaxStackSize(1024 * 1024);
  const deadline = Date.now() + timeoutMs;
  let timedOut = false;
  runtime.setInterruptHandler(() => (timedOut = Date.now() > deadline));
  const vm = runtime.newContext();
  try {
    const decls = Object.entries(globals).map(([k, v]) => `var ${k} = ${JSON.stringify(v ?? null, roundExact)};`).join('\n');
    const source = `${decls}\n${expressionLib.join('\n')}\n;JSON.stringify(${body})`;
    const result = vm.evalCode(source, 'expression.js');
    if (result.error) {
      const error = vm.dump(result.error) as { name?: string; message?: string } | string;
      result.error.dispose();
      if (timedOut) throw new CwlExpressionError(raw, `timed out after ${timeoutMs} ms`);
      const message = typeof error === 'string' ? error : `${error?.name ?? 'Error'}: ${error?.message ?? JSON.stringify(error)}`;
      throw new CwlExpressionError(raw, message);
    }
    const json = vm.dump(result.value) as string | undefined;
    result.value.dispose();
    return json === undefined ? null : JSON.parse(json);
  } finally {
    vm.dispose();
    runtime.dispose();
  }
}

/** JSON replacer: exact big integers enter JavaScript as (rounded) numbers. */
function roundExact(_key: string, value: unknown): unknown {
  return isExactNumber(value) ? Number(value.$bigint) : value;
}
