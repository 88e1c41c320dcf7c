import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { CwlNotFoundError } from '../errors/cwl-errors';
import { tempDir } from '../test-support/paths';
import { CwlUnsupportedUrlError, loadWorkflowReference, workflowRejection } from './load-reference';

const TOOL = 'cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: "true"\ninputs: []\noutputs: []\n';

describe('loadWorkflowReference', () => {
  it('loads an inline document, an absolute or relative path and a file:// URL alike', async () => {
    const dir = tempDir();
    const file = join(dir, 'tool.cwl');
    writeFileSync(file, TOOL);
    for (const ref of [{ inline: TOOL }, { path: file }, { path: relative(process.cwd(), file) }, { url: pathToFileURL(file).href }]) {
      const loaded = await loadWorkflowReference(ref);
      assert.equal(loaded.process.class, 'CommandLineTool', JSON.stringify(ref));
    }
  });

  it('refuses other URL schemes and says why a workflow was refused, as rejections report it', async () => {
    const remote = await loadWorkflowReference({ url: 'https://example.org/wf.cwl' }).catch((e: unknown) => e);
    assert.ok(remote instanceof CwlUnsupportedUrlError && remote instanceof CwlNotFoundError);
    assert.deepEqual(workflowRejection(remote), { reason: 'workflow-not-found', message: 'only file:// workflow URLs are supported, got https://example.org/wf.cwl', details: [] });
    const dir = tempDir();
    const missing = join(dir, 'missing.cwl');
    assert.equal(workflowRejection(await loadWorkflowReference({ path: missing }).catch((e: unknown) => e)).reason, 'workflow-not-found');
    const bad = join(dir, 'bad.cwl');
    writeFileSync(bad, 'cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: "true"\ninputs:\n  x: strng\noutputs: []\n');
    const invalid = workflowRejection(await loadWorkflowReference({ path: bad }).catch((e: unknown) => e));
    assert.equal(invalid.reason, 'invalid-workflow');
    assert.equal(invalid.details.length, 1);
    assert.match(invalid.details[0]!, new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:\\d+: .*strng`));
    assert.deepEqual(workflowRejection(new Error('boom')), { reason: 'invalid-workflow', message: 'boom', details: [] });
  });
});
