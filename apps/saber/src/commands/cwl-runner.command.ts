import { loadConfig } from '@saber/config';
import { RunRequested } from '@saber/contracts';
import { CwlError, CwlUnsupportedError, loadDocument, loadJob, relocateOutputs, resolveInputs, stringifyCwlJson } from '@saber/cwl';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EventPublisher } from '@saber/runtime';
import { startEmbedded } from '../embedded';
import { followRun } from './follow-run';
import { ProgressView } from './progress-view';
import { newRunId } from './run.command';

/** Exit code of `cwl-runner` for a document that uses a feature this runner does not support. */
export const EXIT_UNSUPPORTED = 33;

/** Options of `saber cwl-runner`. */
export interface CwlRunnerOptions {
  outdir?: string;
  quiet?: boolean;
  basedir?: string;
}

/**
 * `saber cwl-runner [--outdir DIR] [--quiet] TOOL [JOB]`: the standard `cwl-runner`
 * interface on SABER's engine, embedded (in-process bus, no catalog). Prints the
 * output object as JSON on stdout with its Files moved into `--outdir`; exits 0 on
 * success, 1 on failure, 33 for an unsupported feature.
 */
export async function cwlRunnerCommand(tool: string, job: string | undefined, opts: CwlRunnerOptions): Promise<number> {
  const say = (line: string) => process.stderr.write(line.endsWith('\n') ? line : `${line}\n`);
  let inputs: Record<string, unknown>;
  try {
    const loaded = await loadDocument({ path: resolve(tool) });
    inputs = resolveInputs(loaded.process, job ? await loadJob(resolve(job)) : {});
  } catch (e) {
    if (e instanceof CwlUnsupportedError) {
      say(`unsupported: ${e.message}`);
      return EXIT_UNSUPPORTED;
    }
    if (e instanceof CwlError) {
      say(e.message);
      return 1;
    }
    throw e;
  }
  const scratch = await mkdtemp(join(tmpdir(), 'saber-cwl-'));
  const config = loadConfig({ ...process.env, NATS_URL: '' }, { home: scratch, workDir: join(scratch, 'work'), logLevel: opts.quiet ? 'error' : 'warn' });
  const saber = await startEmbedded(config, { quiet: opts.quiet, catalog: false });
  try {
    const requestId = newRunId();
    const follower = await followRun(saber.bus, requestId, new ProgressView(false));
    const request = RunRequested.parse({ requestId, workflow: { path: resolve(tool) }, inputs, options: { cache: false } });
    await new EventPublisher(saber.bus).publish(RunRequested, request, { msgId: requestId });
    const end = await follower.done;
    await follower.stop();
    if (end.kind === 'completed') {
      const outdir = resolve(opts.outdir ?? process.cwd());
      await mkdir(outdir, { recursive: true });
      const outputs = await relocateOutputs(end.event.outputs, outdir, config.workDir);
      process.stdout.write(stringifyCwlJson(outputs, 2) + '\n');
      return 0;
    }
    if (end.kind === 'rejected') {
      say(`${end.event.reason}: ${end.event.message}`);
      for (const d of end.event.details) say(`  ${d}`);
      return /unsupported/i.test(end.event.message) ? EXIT_UNSUPPORTED : 1;
    }
    say(end.event.message);
    if (end.event.stderrTail) say(end.event.stderrTail);
    return end.event.reason === 'unsupported' ? EXIT_UNSUPPORTED : 1;
  } finally {
    await saber.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
