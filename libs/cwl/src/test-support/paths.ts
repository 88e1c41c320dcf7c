import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Repository root (this file compiles to libs/cwl/dist/test-support). */
export const REPO_ROOT = resolve(__dirname, '../../../..');

/** The CWL v1.2 conformance tests directory (`../shared` beside the repo). */
export const CONFORMANCE_TESTS = resolve(REPO_ROOT, '../shared/cwl-conformance/cwl-v1.2/tests');

/** A fresh temporary directory. */
export function tempDir(prefix = 'cwl-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
