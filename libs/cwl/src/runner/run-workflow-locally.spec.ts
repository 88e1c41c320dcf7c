import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CwlExecutionError } from '../errors/cwl-errors';
import { loadJob } from '../job/load-job';
import { loadDocument } from '../loader/load-document';
import { CONFORMANCE_TESTS, tempDir } from '../test-support/paths';
import { runWorkflowLocally } from './run-workflow-locally';

async function run(tool: string, job?: string): Promise<{ outputs: Record<string, unknown>; outdir: string }> {
  const { process } = await loadDocument({ path: join(CONFORMANCE_TESTS, tool) });
  const inputs = job ? await loadJob(join(CONFORMANCE_TESTS, job)) : {};
  const outdir = tempDir();
  return { outputs: await runWorkflowLocally(process, inputs, { outdir, parallelism: 2 }), outdir };
}

describe('runWorkflowLocally on conformance documents', () => {
  it('wf_simple: revsort.cwl', async () => {
    const { outputs, outdir } = await run('revsort.cwl', 'revsort-job.json');
    const out = outputs.output as { checksum: string; size: number; path: string; basename: string };
    assert.equal(out.checksum, 'sha1$b9214658cc453331b62c2282b772a5c063dbd284');
    assert.equal(out.size, 1111);
    assert.equal(out.path, join(outdir, 'output.txt'));
    assert.equal(readFileSync(out.path, 'utf8').length, 1111);
  });

  it('cl_basic_generation: bwa-mem-tool.cwl', async () => {
    const { outputs } = await run('bwa-mem-tool.cwl', 'bwa-mem-job.json');
    assert.deepEqual(outputs.args, ['bwa', 'mem', '-t', '2', '-I', '1,2,3,4', '-m', '3', 'chr20.fa', 'example_human_Illumina.pe_1.fastq', 'example_human_Illumina.pe_2.fastq']);
  });

  it('record_order_with_input_bindings: record-order.cwl', async () => {
    const { outputs } = await run('record-order.cwl', 'record-order-job.json');
    assert.deepEqual(outputs.args, ['-a', '-b', '1', '-c', '3', '-d', '-e', '2', '-f', '4']);
  });

  it('wf_compound_doc: revsort-packed.cwl#main', async () => {
    const { process } = await loadDocument({ path: `${join(CONFORMANCE_TESTS, 'revsort-packed.cwl')}#main` });
    const outputs = await runWorkflowLocally(process, await loadJob(join(CONFORMANCE_TESTS, 'revsort-job.json')), { outdir: tempDir() });
    assert.equal((outputs.output as { checksum: string }).checksum, 'sha1$b9214658cc453331b62c2282b772a5c063dbd284');
  });

  it('wf_step_access_undeclared_param fails with the step named', async () => {
    await assert.rejects(run('fail-unconnected.cwl'), (e: unknown) => e instanceof CwlExecutionError && e.message.startsWith('step step1: '));
  });
});
