// Tracing first: it must start before other modules are imported.
import './tracing';
import { Command, Option } from 'commander';

/* eslint-disable @typescript-eslint/no-require-imports -- see `commands` */
/**
 * Each command's module, loaded when that command runs: a command pays only for the
 * libraries it uses. `saber --help` loads none of them (Nest, the services, the CWL
 * library: about 1,200 modules, most of a short command's start-up).
 */
const commands = {
  run: () => require('./commands/run.command') as typeof import('./commands/run.command'),
  deploy: () => require('./commands/deploy.command') as typeof import('./commands/deploy.command'),
  optimize: () => require('./commands/optimize.command') as typeof import('./commands/optimize.command'),
  status: () => require('./commands/status.command') as typeof import('./commands/status.command'),
  collect: () => require('./commands/collect.command') as typeof import('./commands/collect.command'),
  validate: () => require('./commands/validate.command') as typeof import('./commands/validate.command'),
  cwlRunner: () => require('./commands/cwl-runner.command') as typeof import('./commands/cwl-runner.command'),
  up: () => require('./commands/up.command') as typeof import('./commands/up.command'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Builds the `saber` command line. */
export function buildCli(): Command {
  const program = new Command('saber')
    .description('SABER: reproducible CWL workflows over large neuroimaging volumes')
    .showHelpAfterError();
  const exit = (code: number) => {
    process.exitCode = code;
  };

  program
    .command('run')
    .description('run a workflow: embedded (default) or on a cluster (--nats); prints the outputs as JSON')
    .argument('<workflow>', 'CWL workflow or tool')
    .argument('[job]', 'job file (YAML/JSON) with the inputs')
    .option('--nats <url>', 'submit to a NATS cluster instead of running embedded (default: $NATS_URL)')
    .option('--namespace <ns>', 'deployment namespace on the NATS server ($SABER_NAMESPACE)')
    .option('--home <dir>', 'embedded state directory ($SABER_HOME, default .saber)')
    .option('--no-progress', 'no progress bars on stderr')
    .option('--no-cache', 'do not reuse cached step results')
    .option('--no-catalog', 'do not record the run (embedded mode only)')
    .action(async (wf: string, job: string | undefined, o) => exit(await commands.run().runCommand(wf, job, o)));

  program
    .command('deploy')
    .description('run a block sweep (the original conduit parse -p, and start it): one run per block/iteration; prints the sweep result as JSON')
    .argument('<workflow>', 'CWL workflow or tool')
    .argument('<job>', 'job file (YAML/JSON) with the inputs every block shares')
    .requiredOption('--sweep <sweep.yml>', 'parameterization file (original SABER format; optional block: section)')
    .option('--nats <url>', 'submit to a NATS cluster instead of running embedded (default: $NATS_URL)')
    .option('--namespace <ns>', 'deployment namespace on the NATS server ($SABER_NAMESPACE)')
    .option('--home <dir>', 'embedded state directory ($SABER_HOME, default .saber)')
    .option('--max-attempts <n>', 'runs per block at most, first attempt included (default $SABER_SWEEP_MAX_ATTEMPTS of the blocker, 2)')
    .option('--max-in-flight <n>', 'block runs at once at most (default $SABER_SWEEP_MAX_IN_FLIGHT of the blocker, 32)')
    .option('--fail-fast', 'start no more blocks after one fails for good')
    .option('--no-merge-wait', 'print the sweep result without waiting for the merges it requests (a cluster without a merger)')
    .option('--no-progress', 'no progress bar on stderr')
    .option('--no-cache', 'do not reuse cached step results')
    .option('--no-catalog', 'do not record the runs (embedded mode only)')
    .action(async (wf: string, job: string, o) => exit(await commands.deploy().deployCommand(wf, job, o)));

  program
    .command('optimize')
    .description('run a hyperparameter study (the original conduit optimize): trials as runs, scored, the next proposed by the sampler; writes a CSV of every trial and an SVG plot')
    .argument('<workflow>', 'CWL workflow or tool')
    .argument('<job>', 'job file (YAML/JSON) with the inputs every trial shares')
    .argument('<study>', 'study file: the original parameterization format with its sampler: block, plus space/objective/budget/parallel')
    .option('--output <csv>', 'CSV of every trial (parameters, score, cost, best so far)', 'optiout.csv')
    .option('--plot <svg>', 'SVG plot of score versus trial per sampler (default: the CSV path with .svg)')
    .option('--samplers <list>', 'compare methods: one study per method (grid, random, batch-grid, resampling, tpe) on the same file and seed')
    .option('--seed <n>', 'seed of the sampler (overrides sampler.seed)')
    .option('--nats <url>', 'submit to a NATS cluster instead of running embedded (default: $NATS_URL)')
    .option('--namespace <ns>', 'deployment namespace on the NATS server ($SABER_NAMESPACE)')
    .option('--home <dir>', 'embedded state directory ($SABER_HOME, default .saber)')
    .option('--no-progress', 'no live view on stderr')
    .option('--no-cache', 'do not reuse cached step results')
    .option('--no-catalog', 'do not record the trials (embedded mode only)')
    .action(async (wf: string, job: string, study: string, o) => exit(await commands.optimize().optimizeCommand(wf, job, study, o)));

  program
    .command('status')
    .description('show a run and its steps from the catalog')
    .argument('<run-id>')
    .option('--database-url <url>', 'catalog database (default: $DATABASE_URL, else the embedded catalog)')
    .option('--home <dir>', 'embedded state directory ($SABER_HOME, default .saber)')
    .option('--json', 'print the records as JSON')
    .action(async (id: string, o) => exit(await commands.status().statusCommand(id, o)));

  program
    .command('collect')
    .description('write one CSV row per run × step (parameters, attempts, cost, score): the original conduit collect')
    .argument('<run-id|workflow>', 'a run id, or a workflow name or content hash')
    .requiredOption('--csv <file>', 'where to write the CSV')
    .option('--database-url <url>', 'catalog database (default: $DATABASE_URL, else the embedded catalog)')
    .option('--home <dir>', 'embedded state directory ($SABER_HOME, default .saber)')
    .action(async (target: string, o) => exit(await commands.collect().collectCommand(target, o)));

  program
    .command('validate')
    .description('validate a CWL document; problems are printed as file:line:column: message')
    .argument('<cwl>')
    .action(async (p: string) => exit(await commands.validate().validateCommand(p)));

  program
    .command('cwl-runner')
    .description('the standard cwl-runner interface, embedded: output object as JSON on stdout; exit 0, 1, or 33 (unsupported)')
    .argument('<tool>', 'CWL document (CommandLineTool, ExpressionTool or Workflow)')
    .argument('[job]', 'job file with the inputs')
    .option('--outdir <dir>', 'where output files go (default: the working directory)')
    .option('--quiet', 'only errors on stderr')
    .option('--basedir <dir>', 'base directory of relative paths in the job (accepted for compatibility; paths resolve against the job file)')
    .option('--no-container', 'run tools as local processes (always the case here; accepted for compatibility)')
    .action(async (tool: string, job: string | undefined, o) => exit(await commands.cwlRunner().cwlRunnerCommand(tool, job, o)));

  program
    .command('up')
    .description('start services for distributed mode (default: all six)')
    .addArgument(new Command().createArgument('[service...]', 'catalog, planner, executor, blocker, merger, optimizer'))
    .action(async (names: string[]) => exit(await commands.up().upCommand(names)));

  program.addOption(new Option('--debug', 'print stack traces').hideHelp());
  return program;
}

/** Runs the CLI on `argv` (as in process.argv); sets process.exitCode. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (e) {
    process.stderr.write(`saber: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main(process.argv);
