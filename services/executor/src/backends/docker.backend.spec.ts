import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Test } from '@nestjs/testing';
import { loadConfig } from '@saber/config';
import type { StepTask } from '@saber/contracts';
import { CwlExecutionError, CwlUnsupportedError, loadDocument } from '@saber/cwl';
import { SABER_CONFIG } from '@saber/runtime';
import { FakeDockerEngine } from '../test-support/fake-docker-engine';
import { DockerEngineUnavailableError, DockerImageError } from './docker/docker-errors';
import { DockerBackend } from './docker.backend';
import { EXECUTION_BACKEND, type ExecutionContext } from './execution-backend';
import { LocalProcessBackend } from './local-process.backend';
import { executionBackendProvider, selectBackend } from './select-backend';

const MIB = 1024 * 1024;
const USER = `${process.getuid?.()}:${process.getgid?.()}`;

async function task(doc: Record<string, unknown>, inputs: Record<string, unknown> = {}): Promise<StepTask> {
  const tool = (await loadDocument({ inline: { cwlVersion: 'v1.2', class: 'CommandLineTool', ...doc } })).process;
  return {
    runId: 'run-1', stepId: 'step', taskId: `run-1:step-${Math.random().toString(36).slice(2)}`, maxAttempts: 1,
    tool: tool as unknown as Record<string, unknown>, toolHash: 'h', inputs, outputUri: 'file:///unused', cache: false, hints: {},
  };
}

/** A fresh attempt directory (real path: the binds name resolved host paths). */
function attempt(signal = new AbortController().signal): ExecutionContext & { dir: string } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'docker-backend-')));
  return { dir, outdir: join(dir, 'out'), tmpdir: join(dir, 'tmp'), signal };
}

function fileInput(path: string, text: string): Record<string, unknown> {
  writeFileSync(path, text);
  return { class: 'File', location: pathToFileURL(path).href };
}

/** The call sequence with container ids replaced by `{id}`. */
function calls(engine: FakeDockerEngine): string[] {
  return engine.calls().map((c) => c.replace(/[0-9a-f]{64}/, '{id}'));
}

function createBody(engine: FakeDockerEngine): Record<string, unknown> {
  const create = engine.requests.filter((r) => r.path === '/containers/create').at(-1);
  assert.ok(create, 'no container was created');
  return create.body as Record<string, unknown>;
}

describe('DockerBackend (against a fake Docker Engine API)', () => {
  let engine: FakeDockerEngine;
  let backend: DockerBackend;
  const local = new LocalProcessBackend();

  before(async () => {
    engine = await FakeDockerEngine.start({
      images: { 'debian:12': 'sha256:d12' },
      registry: { 'alpine:3.20': 'sha256:a320' },
      pullErrors: { 'flaky:1': 'net/http: TLS handshake timeout' },
      loadable: { ref: 'saved/tool:2', id: 'sha256:5a7ed' },
    });
    backend = await DockerBackend.connect(engine.dockerHost, local);
  });
  after(async () => {
    await local.onModuleDestroy();
    await engine.close();
  });

  it('runs a DockerRequirement tool in a container: exact create body, read-only input mounts, outputs on the host', async () => {
    engine.requests.length = 0;
    const ctx = attempt();
    const t = await task({
      requirements: {
        DockerRequirement: { dockerPull: 'debian:12' },
        EnvVarRequirement: { envDef: { GREETING: 'hello' } },
        ResourceRequirement: { coresMin: 1.5, ramMin: 256 },
      },
      baseCommand: ['sh', '-c', 'cat "$0" > copy.txt; echo "$GREETING"; echo warn >&2'],
      inputs: { text: { type: 'File', inputBinding: { position: 1 } } },
      stdout: 'out.txt',
      outputs: { copy: { type: 'File', outputBinding: { glob: 'copy.txt' } }, out: 'stdout' },
    }, { text: fileInput(join(ctx.dir, 'in.txt'), 'payload') });
    const r = await backend.run(t, ctx);
    assert.equal(r.status, 'success');
    assert.equal(r.exitCode, 0);
    assert.equal(r.imageDigest, 'sha256:d12');
    assert.equal(r.stderrTail, '', 'a success reports no stderr (only failures do)');
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(createBody(engine), {
      Image: 'debian:12',
      Cmd: ['sh', '-c', 'cat "$0" > copy.txt; echo "$GREETING"; echo warn >&2', '/var/lib/cwl/stg0/in.txt'],
      WorkingDir: '/var/spool/cwl',
      Env: ['HOME=/var/spool/cwl', 'TMPDIR=/tmp', 'GREETING=hello'],
      AttachStdin: false, AttachStdout: true, AttachStderr: true, OpenStdin: false, StdinOnce: false, Tty: false,
      Labels: { 'org.saber.tool': 'true' },
      HostConfig: {
        Binds: [`${ctx.dir}/in.txt:/var/lib/cwl/stg0/in.txt:ro`, `${ctx.outdir}:/var/spool/cwl:rw`, `${ctx.tmpdir}:/tmp:rw`],
        NetworkMode: 'none',
        Memory: 256 * MIB,
        NanoCpus: 1_500_000_000,
      },
      User: USER,
    });
    assert.deepEqual(calls(engine), [
      'GET /images/debian:12/json', 'POST /containers/create', 'POST /containers/{id}/attach', 'POST /containers/{id}/start',
      'POST /containers/{id}/wait', 'GET /containers/{id}/json', 'DELETE /containers/{id}',
    ]);
    const copy = r.outputs.copy as { path: string; location: string };
    assert.equal(copy.path, join(ctx.outdir, 'copy.txt'));
    assert.equal(copy.location, pathToFileURL(join(ctx.outdir, 'copy.txt')).href);
    assert.equal(readFileSync(copy.path, 'utf8'), 'payload');
    assert.equal(readFileSync((r.outputs.out as { path: string }).path, 'utf8'), 'hello\n');
    assert.equal(engine.containers.size, 0);
  });

  it('pulls a missing image once, records its digest, honours dockerOutputDirectory and NetworkAccess', async () => {
    engine.requests.length = 0;
    const doc = {
      requirements: { DockerRequirement: { dockerPull: 'alpine:3.20', dockerOutputDirectory: '/results' }, NetworkAccess: { networkAccess: true } },
      baseCommand: ['sh', '-c', 'echo done > flag.txt'],
      inputs: [],
      outputs: { flag: { type: 'File', outputBinding: { glob: 'flag.txt' } } },
    };
    const ctx = attempt();
    const r = await backend.run(await task(doc), ctx);
    assert.equal(r.status, 'success');
    assert.equal(r.imageDigest, 'sha256:a320');
    assert.deepEqual(calls(engine).slice(0, 4), ['GET /images/alpine:3.20/json', 'POST /images/create', 'GET /images/alpine:3.20/json', 'POST /containers/create']);
    assert.deepEqual(engine.requests[1].query, { fromImage: 'alpine', tag: '3.20' });
    const body = createBody(engine) as { WorkingDir: string; Env: string[]; HostConfig: Record<string, unknown> };
    assert.equal(body.WorkingDir, '/results');
    assert.deepEqual(body.Env, ['HOME=/results', 'TMPDIR=/tmp']);
    assert.deepEqual(body.HostConfig, { Binds: [`${ctx.outdir}:/results:rw`, `${ctx.tmpdir}:/tmp:rw`] });
    assert.equal((r.outputs.flag as { path: string }).path, join(ctx.outdir, 'flag.txt'));

    engine.requests.length = 0;
    await backend.run(await task(doc), attempt());
    assert.equal(calls(engine).filter((c) => c.startsWith('POST /images/create')).length, 0);
  });

  it('maps container paths in cwl.output.json and passed-through inputs back to host paths', async () => {
    const ctx = attempt();
    // "/var/spool/""cwl" keeps the fake engine (which rewrites container paths in the
    // command, standing in for the mounts) from rewriting what the tool writes.
    const t = await task({
      requirements: { DockerRequirement: { dockerPull: 'debian:12' } },
      baseCommand: ['sh', '-c', `echo r > result.txt; printf '{"result": {"class": "File", "path": "%s/result.txt"}, "same": {"class": "File", "path": "%s"}}' "/var/spool/""cwl" "/var/lib/""cwl/stg0/in.txt" > cwl.output.json`],
      inputs: { f: 'File' },
      outputs: { result: 'File', same: 'File' },
    }, { f: fileInput(join(ctx.dir, 'in.txt'), 'i') });
    const r = await backend.run(t, ctx);
    assert.equal(r.status, 'success');
    assert.equal((r.outputs.result as { path: string }).path, join(ctx.outdir, 'result.txt'));
    assert.equal((r.outputs.result as { location: string }).location, pathToFileURL(join(ctx.outdir, 'result.txt')).href);
    assert.equal((r.outputs.same as { path: string }).path, join(ctx.dir, 'in.txt'));
  });

  it('feeds stdin from a file through a hijacked attach and mounts inputs read-write with InplaceUpdateRequirement', async () => {
    engine.requests.length = 0;
    const ctx = attempt();
    const t = await task({
      requirements: { DockerRequirement: { dockerPull: 'debian:12' }, InplaceUpdateRequirement: { inplaceUpdate: true } },
      baseCommand: 'cat',
      stdin: '$(inputs.f.path)',
      stdout: 'echoed.txt',
      inputs: { f: 'File' },
      outputs: { echoed: 'stdout' },
    }, { f: fileInput(join(ctx.dir, 'lines.txt'), 'one\ntwo\n') });
    const r = await backend.run(t, ctx);
    assert.equal(r.status, 'success');
    assert.equal(readFileSync((r.outputs.echoed as { path: string }).path, 'utf8'), 'one\ntwo\n');
    const body = createBody(engine) as Record<string, unknown> & { HostConfig: { Binds: string[] } };
    assert.deepEqual([body.AttachStdin, body.OpenStdin, body.StdinOnce], [true, true, true]);
    assert.equal(body.HostConfig.Binds[0], `${ctx.dir}/lines.txt:/var/lib/cwl/stg0/lines.txt:rw`);
    const attach = engine.requests.find((q) => q.path.endsWith('/attach'));
    assert.deepEqual(attach?.query, { stream: 'true', stdout: 'true', stderr: 'true', stdin: 'true', hijack: 'true' });
  });

  it('reports a non-zero exit as permanentFail with the stderr tail, and removes the container', async () => {
    const r = await backend.run(await task({
      requirements: { DockerRequirement: { dockerPull: 'debian:12' } },
      baseCommand: ['sh', '-c', 'echo broken >&2; exit 3'], inputs: [], outputs: [],
    }), attempt());
    assert.equal(r.status, 'permanentFail');
    assert.equal(r.exitCode, 3);
    assert.equal(r.stderrTail, 'broken\n');
    assert.deepEqual(r.outputs, {});
    assert.equal(engine.containers.size, 0);
  });

  it('kills the container at the ToolTimeLimit and removes it', async () => {
    engine.requests.length = 0;
    const started = Date.now();
    const r = await backend.run(await task({
      requirements: { DockerRequirement: { dockerPull: 'debian:12' }, ToolTimeLimit: { timelimit: 1 } },
      baseCommand: ['sleep', '30'], inputs: [], outputs: [],
    }), attempt());
    assert.equal(r.status, 'killed');
    assert.equal(r.exitCode, 137);
    assert.ok(Date.now() - started < 10_000);
    assert.deepEqual(calls(engine).slice(-5), [
      'POST /containers/{id}/attach', 'POST /containers/{id}/start', 'POST /containers/{id}/wait', 'POST /containers/{id}/kill', 'DELETE /containers/{id}',
    ]);
    assert.equal(engine.requests.at(-1)?.query.force, 'true');
    assert.equal(engine.containers.size, 0);
  });

  it('kills and removes the container when the attempt is aborted', async () => {
    engine.requests.length = 0;
    const abort = new AbortController();
    const t = await task({ requirements: { DockerRequirement: { dockerPull: 'debian:12' } }, baseCommand: ['sleep', '30'], inputs: [], outputs: [] });
    const running = backend.run(t, attempt(abort.signal));
    while (![...engine.containers.values()].some((c) => c.state === 'running')) await new Promise((res) => setTimeout(res, 20));
    abort.abort();
    const r = await running;
    assert.equal(r.status, 'killed');
    assert.ok(calls(engine).includes('POST /containers/{id}/kill'));
    assert.equal(calls(engine).at(-1), 'DELETE /containers/{id}');
    assert.equal(engine.containers.size, 0);
  });

  it('fails a command the container cannot execute as a non-retryable CwlExecutionError', async () => {
    await assert.rejects(
      backend.run(await task({ requirements: { DockerRequirement: { dockerPull: 'debian:12' } }, baseCommand: 'no-such-tool-xyz', inputs: [], outputs: [] }), attempt()),
      (e: unknown) => e instanceof CwlExecutionError && !e.retryable && e.message === 'cannot start \'no-such-tool-xyz\' in debian:12: failed to create task for container: exec: "no-such-tool-xyz": spawn no-such-tool-xyz ENOENT: unknown (HTTP 400)',
    );
    assert.equal(engine.containers.size, 0);
  });

  it('reports images it cannot provide with their own errors', async () => {
    const run = async (docker: Record<string, unknown>) =>
      backend.run(await task({ requirements: { DockerRequirement: docker }, baseCommand: 'true', inputs: [], outputs: [] }), attempt());
    await assert.rejects(run({ dockerPull: 'nosuch/image:1' }), (e: unknown) =>
      e instanceof DockerImageError && !e.retryable
      && e.message === "Docker image nosuch/image:1: pull failed: pull access denied for nosuch/image, repository does not exist or may require 'docker login' (HTTP 404)");
    await assert.rejects(run({ dockerPull: 'flaky:1' }), (e: unknown) =>
      e instanceof DockerImageError && e.retryable && e.message === 'Docker image flaky:1: pull failed: net/http: TLS handshake timeout');
    await assert.rejects(run({ dockerImageId: 'only-local:7' }), (e: unknown) =>
      e instanceof DockerImageError && !e.retryable && e.message === 'Docker image only-local:7: not found not present on the engine and nothing to pull');
    await assert.rejects(run({ dockerImport: 'https://example.org/image.tar' }), (e: unknown) =>
      e instanceof CwlUnsupportedError && e.message === 'unsupported CWL feature: DockerRequirement.dockerImport (the docker backend cannot import images; use dockerPull, dockerLoad or dockerFile)');
    await assert.rejects(run({ dockerLoad: 'https://example.org/image.tar' }), (e: unknown) =>
      e instanceof CwlUnsupportedError && e.message === 'unsupported CWL feature: DockerRequirement.dockerLoad (only local archives can be loaded, not https://example.org/image.tar)');
  });

  it('loads dockerLoad archives and builds dockerFile images before running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'docker-load-'));
    writeFileSync(join(dir, 'image.tar'), Buffer.alloc(3072, 1));
    engine.requests.length = 0;
    const loaded = await backend.run(await task({ requirements: { DockerRequirement: { dockerLoad: join(dir, 'image.tar') } }, baseCommand: 'true', inputs: [], outputs: [] }), attempt());
    assert.equal(loaded.imageDigest, 'sha256:5a7ed');
    assert.deepEqual(engine.uploads.at(-1), { path: '/images/load', bytes: 3072 });
    assert.equal(createBody(engine).Image, 'saved/tool:2');

    engine.requests.length = 0;
    const built = await backend.run(await task({
      requirements: { DockerRequirement: { dockerFile: 'FROM debian:12\nRUN true\n', dockerImageId: 'built/tool:1' } }, baseCommand: 'true', inputs: [], outputs: [],
    }), attempt());
    assert.equal(built.status, 'success');
    assert.deepEqual(calls(engine).slice(0, 3), ['GET /images/built/tool:1/json', 'POST /build', 'GET /images/built/tool:1/json']);
    assert.equal(engine.requests[1].query.t, 'built/tool:1');
    assert.equal(built.imageDigest, engine.images.get('built/tool:1'));
  });

  it('runs tools without a DockerRequirement, and ExpressionTools, as local processes without calling the engine', async () => {
    engine.requests.length = 0;
    const ctx = attempt();
    const r = await backend.run(await task({ baseCommand: ['sh', '-c', 'pwd > where.txt'], inputs: [], outputs: { where: { type: 'File', outputBinding: { glob: 'where.txt' } } } }), ctx);
    assert.equal(r.status, 'success');
    assert.equal(readFileSync(join(ctx.outdir, 'where.txt'), 'utf8'), `${ctx.outdir}\n`);
    assert.equal(r.imageDigest, undefined);
    const e = await backend.run(await task({
      class: 'ExpressionTool', requirements: { InlineJavascriptRequirement: {} }, hints: { DockerRequirement: { dockerPull: 'debian:12' } },
      inputs: { n: 'int' }, outputs: { twice: 'int' }, expression: '$({twice: inputs.n * 2})',
    }, { n: 21 }), attempt());
    assert.deepEqual([e.status, e.outputs], ['success', { twice: 42 }]);
    assert.deepEqual(engine.requests, []);
  });
});

describe('backend selection', () => {
  it('fails at start-up with an error naming the socket when the engine is unreachable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-docker-'));
    mkdirSync(join(dir, 'run'));
    const dockerHost = `unix://${dir}/run/docker.sock`;
    const config = loadConfig({ SABER_EXECUTOR_BACKEND: 'docker', DOCKER_HOST: dockerHost, SABER_HOME: dir });
    const expected = `the docker backend cannot reach the Docker engine at ${dockerHost} (DOCKER_HOST): connect ENOENT ${dir}/run/docker.sock`;
    await assert.rejects(selectBackend(config, new LocalProcessBackend()), (e: unknown) => e instanceof DockerEngineUnavailableError && e.message === expected);
    // The executor module's provider: Nest start-up fails with the same error.
    await assert.rejects(
      Test.createTestingModule({ providers: [LocalProcessBackend, executionBackendProvider, { provide: SABER_CONFIG, useValue: config }] }).compile(),
      (e: unknown) => e instanceof DockerEngineUnavailableError && e.message === expected,
    );
  });

  it('with the local backend a DockerRequirement tool runs as a process with the warning', async () => {
    const local = new LocalProcessBackend();
    try {
      const moduleRef = await Test.createTestingModule({
        providers: [LocalProcessBackend, executionBackendProvider, { provide: SABER_CONFIG, useValue: loadConfig({ SABER_EXECUTOR_BACKEND: 'local' }) }],
      }).compile();
      const backend = moduleRef.get(EXECUTION_BACKEND);
      assert.equal(backend.name, 'local');
      await moduleRef.close();
      const r = await local.run(await task({ requirements: { DockerRequirement: { dockerPull: 'debian:12' } }, baseCommand: 'true', inputs: [], outputs: [] }), attempt());
      assert.equal(r.status, 'success');
      assert.deepEqual(r.warnings, ['DockerRequirement ignored: the tool ran as a local process without a container']);
    } finally {
      await local.onModuleDestroy();
    }
  });
});
