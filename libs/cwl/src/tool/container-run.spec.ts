import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import type { ContainerLauncher, ContainerLaunchOutcome, ContainerLaunchRequest } from '../launcher/container-launcher';
import { loadDocument } from '../loader/load-document';
import type { CommandLineTool } from '../model/cwl.types';
import { tempDir } from '../test-support/paths';
import { ContainerPathMap, containerInputs, hostFileObjects } from './container-paths';
import { runCommandLineTool } from './run-command-line-tool';

async function tool(doc: Record<string, unknown>): Promise<CommandLineTool> {
  return (await loadDocument({ inline: { cwlVersion: 'v1.2', class: 'CommandLineTool', ...doc } })).process as CommandLineTool;
}

/** Records each request; `act` plays the container (with host paths, as the mounts would give it). */
class RecordingLauncher implements ContainerLauncher {
  readonly requests: ContainerLaunchRequest[] = [];
  constructor(private readonly act: (req: ContainerLaunchRequest) => ContainerLaunchOutcome | void = () => undefined) {}
  async launch(req: ContainerLaunchRequest): Promise<ContainerLaunchOutcome> {
    this.requests.push(req);
    writeFileSync(req.stdoutPath, '');
    writeFileSync(req.stderrPath, '');
    return this.act(req) ?? { exitCode: 0, killed: false, durationMs: 1, imageDigest: 'sha256:feed' };
  }
}

function hostOf(req: ContainerLaunchRequest, containerPath: string): string {
  const m = req.mounts.find((x) => containerPath === x.containerPath || containerPath.startsWith(`${x.containerPath}/`));
  assert.ok(m, `no mount covers ${containerPath}`);
  return m.hostPath + containerPath.slice(m.containerPath.length);
}

describe('runCommandLineTool in a container', () => {
  it('builds the command line with container paths and hands the launcher mounts, env and limits', async () => {
    const dir = tempDir();
    const input = join(dir, 'in.txt');
    writeFileSync(input, 'abc');
    writeFileSync(join(dir, 'in.txt.idx'), 'i');
    const t = await tool({
      requirements: {
        DockerRequirement: { dockerPull: 'debian:12' },
        EnvVarRequirement: { envDef: { MODE: 'fast', WHERE: '$(runtime.outdir)' } },
        InlineJavascriptRequirement: {},
        ResourceRequirement: { coresMin: 1.5, ramMin: '$(inputs.n * 100)' },
      },
      baseCommand: 'wc',
      inputs: { f: { type: 'File', secondaryFiles: ['.idx'], inputBinding: { position: 1 } }, n: 'int' },
      arguments: [{ position: 2, valueFrom: '$(runtime.tmpdir)' }, { position: 3, valueFrom: '$(inputs.f.dirname)' }],
      outputs: { out: { type: 'File', outputBinding: { glob: 'result.txt' } } },
    });
    const launcher = new RecordingLauncher((req) => writeFileSync(join(hostOf(req, req.cwd), 'result.txt'), 'done'));
    const outdir = join(dir, 'out');
    const tmpdir = join(dir, 'tmp');
    const r = await runCommandLineTool(t, { f: { class: 'File', location: pathToFileURL(input).href, secondaryFiles: [{ class: 'File', location: pathToFileURL(join(dir, 'in.txt.idx')).href }] }, n: 3 }, {
      outdir, tmpdir, container: { launcher },
    });
    assert.equal(r.status, 'success');
    assert.deepEqual(r.command, ['wc', '/var/lib/cwl/stg0/in.txt', '/tmp', '/var/lib/cwl/stg0']);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.imageDigest, 'sha256:feed');
    const [req] = launcher.requests;
    assert.deepEqual(req.docker, { class: 'DockerRequirement', dockerPull: 'debian:12' });
    assert.equal(req.cwd, '/var/spool/cwl');
    assert.deepEqual(req.env, { HOME: '/var/spool/cwl', TMPDIR: '/tmp', MODE: 'fast', WHERE: '/var/spool/cwl' });
    assert.deepEqual(req.mounts, [
      { hostPath: input, containerPath: '/var/lib/cwl/stg0/in.txt', writable: false },
      { hostPath: join(dir, 'in.txt.idx'), containerPath: '/var/lib/cwl/stg0/in.txt.idx', writable: false },
      { hostPath: outdir, containerPath: '/var/spool/cwl', writable: true },
      { hostPath: tmpdir, containerPath: '/tmp', writable: true },
    ]);
    assert.equal(req.networkAccess, false);
    assert.deepEqual(req.resources, { cores: 1.5, ramMiB: 300 });
    assert.equal(req.stdoutPath, join(tmpdir, 'stdout.txt'));
    const out = r.outputs.out as Record<string, unknown>;
    assert.equal(out.path, join(outdir, 'result.txt'));
    assert.equal(out.location, pathToFileURL(join(outdir, 'result.txt')).href);
  });

  it('honours dockerOutputDirectory, NetworkAccess, InplaceUpdate and stdin, and maps cwl.output.json back to the host', async () => {
    const dir = tempDir();
    const input = join(dir, 'data.txt');
    writeFileSync(input, 'xyz');
    const t = await tool({
      requirements: {
        DockerRequirement: { dockerImageId: 'local/tool:1', dockerOutputDirectory: '/output' },
        NetworkAccess: { networkAccess: true },
        InplaceUpdateRequirement: { inplaceUpdate: true },
      },
      baseCommand: 'tool',
      stdin: '$(inputs.f.path)',
      inputs: { f: 'File' },
      outputs: { made: 'File', same: 'File', rel: 'File' },
    });
    const launcher = new RecordingLauncher((req) => {
      const out = hostOf(req, req.cwd);
      writeFileSync(join(out, 'made.txt'), 'm');
      writeFileSync(join(out, 'rel.txt'), 'r');
      writeFileSync(join(out, 'cwl.output.json'), JSON.stringify({
        made: { class: 'File', path: '/output/made.txt' },
        same: { class: 'File', location: 'file:///var/lib/cwl/stg0/data.txt' },
        rel: { class: 'File', location: 'rel.txt' },
      }));
    });
    const outdir = join(dir, 'o');
    const r = await runCommandLineTool(t, { f: { class: 'File', location: pathToFileURL(input).href } }, { outdir, tmpdir: join(dir, 't'), container: { launcher } });
    const [req] = launcher.requests;
    assert.equal(req.cwd, '/output');
    assert.equal(req.env.HOME, '/output');
    assert.equal(req.networkAccess, true);
    assert.equal(req.stdinPath, input);
    assert.deepEqual(req.mounts[0], { hostPath: input, containerPath: '/var/lib/cwl/stg0/data.txt', writable: true });
    assert.deepEqual(
      Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, (v as { path: string }).path])),
      { made: join(outdir, 'made.txt'), same: input, rel: join(outdir, 'rel.txt') },
    );
  });

  it('places InitialWorkDir entries for the container and relinks them to the host afterwards', async () => {
    const dir = tempDir();
    const input = join(dir, 'ref.txt');
    writeFileSync(input, 'reference');
    const t = await tool({
      requirements: {
        DockerRequirement: { dockerPull: 'debian:12' },
        InitialWorkDirRequirement: {
          listing: [
            '$(inputs.f)',
            { entryname: 'copy.txt', entry: '$(inputs.f)', writable: true },
            { entryname: 'paths.txt', entry: '$(inputs.f.path)' },
            { entryname: '/etc/tool.conf', entry: 'threads=2' },
          ],
        },
      },
      baseCommand: 'true',
      inputs: { f: 'File' },
      outputs: { linked: { type: 'File', outputBinding: { glob: 'ref.txt' } } },
    });
    let seen: { link: string; copyIsLink: boolean } | undefined;
    const launcher = new RecordingLauncher((req) => {
      const out = hostOf(req, req.cwd);
      seen = { link: readlinkSync(join(out, 'ref.txt')), copyIsLink: lstatSync(join(out, 'copy.txt')).isSymbolicLink() };
    });
    const outdir = join(dir, 'o');
    const tmpdir = join(dir, 't');
    const r = await runCommandLineTool(t, { f: { class: 'File', location: pathToFileURL(input).href } }, { outdir, tmpdir, container: { launcher } });
    assert.deepEqual(seen, { link: '/var/lib/cwl/stg0/ref.txt', copyIsLink: false });
    assert.equal(readFileSync(join(outdir, 'paths.txt'), 'utf8'), '/var/lib/cwl/stg0/ref.txt');
    const conf = launcher.requests[0].mounts.find((m) => m.containerPath === '/etc/tool.conf');
    assert.deepEqual(conf, { hostPath: join(tmpdir, 'initial-workdir', 'e0', 'tool.conf'), containerPath: '/etc/tool.conf', writable: true });
    assert.equal(readFileSync(conf.hostPath, 'utf8'), 'threads=2');
    assert.equal(readlinkSync(join(outdir, 'ref.txt')), input);
    assert.equal((r.outputs.linked as { size: number }).size, 9);
  });

  it('without container options a DockerRequirement still runs locally with a warning', async () => {
    const dir = tempDir();
    const t = await tool({ hints: { DockerRequirement: { dockerPull: 'debian:12' } }, baseCommand: 'true', inputs: [], outputs: [] });
    const r = await runCommandLineTool(t, {}, { outdir: join(dir, 'o'), tmpdir: join(dir, 't') });
    assert.equal(r.status, 'success');
    assert.equal(r.imageDigest, undefined);
    assert.deepEqual(r.warnings, ['DockerRequirement ignored: the tool ran as a local process without a container']);
  });

  it('runs tools without a DockerRequirement as processes even when container options are given', async () => {
    const dir = tempDir();
    const launcher = new RecordingLauncher();
    const t = await tool({ baseCommand: ['sh', '-c', 'echo "$HOME" > home.txt'], inputs: [], outputs: { home: { type: 'File', outputBinding: { glob: 'home.txt' } } } });
    const r = await runCommandLineTool(t, {}, { outdir: join(dir, 'o'), tmpdir: join(dir, 't'), container: { launcher } });
    assert.equal(launcher.requests.length, 0);
    assert.equal(readFileSync(join(dir, 'o', 'home.txt'), 'utf8'), `${join(dir, 'o')}\n`);
    assert.equal(r.status, 'success');
  });
});

describe('container paths', () => {
  it('translates through the longest covering mount, in both directions', () => {
    const map = new ContainerPathMap();
    map.add('/data/run/out', '/var/spool/cwl', true);
    map.add('/data/run/out/sub', '/mnt/sub', false);
    map.add('/data/x.txt', '/var/lib/cwl/stg0/x.txt', false);
    assert.equal(map.toContainer('/data/run/out/a/b.txt'), '/var/spool/cwl/a/b.txt');
    assert.equal(map.toContainer('/data/run/out/sub/c'), '/mnt/sub/c');
    assert.equal(map.toContainer('/data/run/outside'), undefined);
    assert.equal(map.toContainer('/data/x.txt'), '/var/lib/cwl/stg0/x.txt');
    assert.equal(map.toHost('/var/spool/cwl'), '/data/run/out');
    assert.equal(map.toHost('/var/spool/cwlx'), undefined);
    assert.equal(map.mountHostPath('/data/x.txt', false), '/var/lib/cwl/stg0/x.txt');
    assert.equal(map.mountHostPath('/elsewhere/y.txt', true), '/var/lib/cwl/stg0/y.txt');
    assert.equal(map.mounts.length, 4);
  });

  it('mounts a directory whose listing holds links entry by entry, and maps cwl.output.json references', async () => {
    const dir = tempDir();
    const real = join(dir, 'real.txt');
    writeFileSync(real, 'r');
    const literal = join(dir, 'staged', 'lit');
    mkdirSync(join(literal, 'sub'), { recursive: true });
    symlinkSync(real, join(literal, 'a.txt'));
    const map = new ContainerPathMap();
    const view = (await containerInputs({
      d: {
        class: 'Directory', path: literal, basename: 'lit',
        listing: [{ class: 'File', path: join(literal, 'a.txt'), basename: 'a.txt' }, { class: 'Directory', path: join(literal, 'sub'), basename: 'sub', listing: [] }],
      },
      n: 3,
    }, map, false)) as { d: { path: string; listing: { path: string }[] }; n: number };
    assert.equal(view.n, 3);
    assert.equal(view.d.path, '/var/lib/cwl/stg0/lit');
    assert.deepEqual(view.d.listing.map((e) => e.path), ['/var/lib/cwl/stg0/lit/a.txt', '/var/lib/cwl/stg0/lit/sub']);
    assert.deepEqual(map.mounts.map((m) => [m.hostPath, m.containerPath]), [
      [join(literal, 'a.txt'), '/var/lib/cwl/stg0/lit/a.txt'],
      [join(literal, 'sub'), '/var/lib/cwl/stg0/lit/sub'],
    ]);
    map.add('/host/out', '/var/spool/cwl', true);
    assert.deepEqual(hostFileObjects({ a: [{ class: 'File', path: '/var/spool/cwl/x' }], b: { class: 'File', location: 'y.txt' }, c: 'text' }, (p) => map.toHost(p)), {
      a: [{ class: 'File', path: '/host/out/x' }], b: { class: 'File', location: 'y.txt' }, c: 'text',
    });
  });
});
