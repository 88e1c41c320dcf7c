import { CwlNotFoundError, CwlValidationError, loadDocument } from '@saber/cwl';
import { resolve } from 'node:path';

/** `saber validate <cwl>`: loads and checks a document; prints problems as file:line:column. */
export async function validateCommand(path: string): Promise<number> {
  try {
    const loaded = await loadDocument({ path: resolve(path) });
    process.stdout.write(`${path}: valid ${loaded.process.class} "${loaded.name}" (sha256 ${loaded.contentHash})\n`);
    return 0;
  } catch (e) {
    if (e instanceof CwlValidationError) {
      for (const i of e.issues) process.stderr.write(`${i.file}:${i.line}:${i.column}: ${i.message}\n`);
      return 1;
    }
    if (e instanceof CwlNotFoundError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
