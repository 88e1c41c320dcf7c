import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { tempDir } from '../test-support/paths';
import { spawnProcess, type SpawnRequest } from '../tool/spawn-process';
import { ForkServerLauncher, LauncherUnavailableError } from './fork-server.launcher';
import { NATIVE_LAUNCHER_PATH, NativeLauncher, nativeLauncherAvailable } from './native.launcher';
import type { ProcessLauncher } from './process-launcher';
import { createProcessLauncher } from './select-launcher';

const PATH = process.env.PATH ?? '/usr/bin:/bin';

/** A request whose stdout/stderr go to files in a fresh directory. */
function request(argv: string[], extra: Partial<SpawnRequest> = {}): SpawnRequest & { dir: string } {
  const dir = tempDir();
  return { argv, cwd: dir, env: { PATH }, stdoutPath: join(dir, 'out.txt'), stderrPath: join(dir, 'err.txt'), dir, ...extra };
}

/** Whether process `pid` is gone (reaped), waiting up to 3 s. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 60; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

const inProcess: ProcessLauncher = { launch: spawnProcess, close: async () => undefined };

const launchers: [string, () => ProcessLauncher][] = [
  ['spawnProcess (in this process)', () => inProcess],
  ['ForkServerLauncher', () => new ForkServerLauncher()],
  ['NativeLauncher', () => {
    assert.ok(nativeLauncherAvailable(), `${NATIVE_LAUNCHER_PATH} is missing: \`npm run build\` compiles it with cc`);
    return new NativeLauncher();
  }],
];

for (const [name, make] of launchers) {
  describe(`process launcher: ${name}`, () => {
    const launcher = make();
    after(() => launcher.close());

    it('reports the exit code and writes stdout and stderr to their files', async () => {
      const r = request(['/bin/sh', '-c', 'echo out; echo err >&2; exit 3']);
      const o = await launcher.launch(r);
      assert.equal(o.exitCode, 3);
      assert.equal(o.killed, false);
      assert.equal(readFileSync(r.stdoutPath, 'utf8'), 'out\n');
      assert.equal(readFileSync(r.stderrPath, 'utf8'), 'err\n');
    });

    it('reads stdin from a file, or from /dev/null without one', async () => {
      const r = request(['cat']);
      writeFileSync(join(r.dir, 'in.txt'), 'line one\nline two\n');
      assert.equal((await launcher.launch({ ...r, stdinPath: join(r.dir, 'in.txt') })).exitCode, 0);
      assert.equal(readFileSync(r.stdoutPath, 'utf8'), 'line one\nline two\n');
      assert.equal((await launcher.launch(r)).exitCode, 0);
      assert.equal(readFileSync(r.stdoutPath, 'utf8'), '');
    });

    it('runs in the working directory with exactly the given environment', async () => {
      const r = request(['/bin/sh', '-c', 'pwd; echo "$FOO"; echo "${HOME-unset}"'], { env: { PATH, FOO: 'bar baz' } });
      assert.equal((await launcher.launch(r)).exitCode, 0);
      assert.equal(readFileSync(r.stdoutPath, 'utf8'), `${realpathSync(r.dir)}\nbar baz\nunset\n`);
    });

    it("looks a bare command name up in the child's PATH, and runs a script without #! with /bin/sh", async () => {
      const r = request(['mytool', 'a b']);
      const bin = join(r.dir, 'bin');
      mkdirSync(bin);
      writeFileSync(join(bin, 'mytool'), 'echo "ran with $1"\n');
      chmodSync(join(bin, 'mytool'), 0o755);
      const o = await launcher.launch({ ...r, env: { PATH: `${bin}:${PATH}` } });
      assert.equal(o.exitCode, 0);
      assert.equal(readFileSync(r.stdoutPath, 'utf8'), 'ran with a b\n');
    });

    it('rejects with ENOENT for a command that is not found', async () => {
      await assert.rejects(launcher.launch(request(['no-such-command-saber'])), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
    });

    it('rejects with EACCES for a file in PATH that is not executable', async () => {
      const r = request(['plainfile']);
      writeFileSync(join(r.dir, 'plainfile'), 'echo no\n');
      chmodSync(join(r.dir, 'plainfile'), 0o644);
      await assert.rejects(launcher.launch({ ...r, env: { PATH: r.dir } }), (e: NodeJS.ErrnoException) => e.code === 'EACCES');
    });

    it('rejects with ENOENT naming the file when the stdout directory does not exist', async () => {
      const r = request(['true']);
      const missing = join(r.dir, 'missing', 'out.txt');
      await assert.rejects(launcher.launch({ ...r, stdoutPath: missing }), (e: NodeJS.ErrnoException) => e.code === 'ENOENT' && e.message.includes(missing));
    });

    it('rejects with ENOENT when the working directory does not exist', async () => {
      const r = request(['true']);
      await assert.rejects(launcher.launch({ ...r, cwd: join(r.dir, 'nowhere') }), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
    });

    it('kills the whole process group at the time limit', async () => {
      const r = request(['/bin/sh', '-c', 'sleep 30 & echo $! > bg.pid; wait']);
      const t0 = Date.now();
      const o = await launcher.launch({ ...r, timeoutMs: 300 });
      assert.equal(o.killed, true);
      assert.equal(o.exitCode, null);
      assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
      assert.ok(await gone(Number(readFileSync(join(r.dir, 'bg.pid'), 'utf8'))), 'the background sleep survived');
    });

    it('kills the process when the signal aborts, also when it aborted before the launch', async () => {
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 100);
      const o = await launcher.launch({ ...request(['sleep', '30']), signal: abort.signal });
      assert.deepEqual([o.killed, o.exitCode], [true, null]);
      const before = await launcher.launch({ ...request(['sleep', '30']), signal: AbortSignal.abort() });
      assert.deepEqual([before.killed, before.exitCode], [true, null]);
    });

    it('measures duration and peak memory', async () => {
      const r = request([process.execPath, '-e', 'globalThis.b = Buffer.alloc(96 << 20, 1); setTimeout(() => {}, 600)']);
      const o = await launcher.launch(r);
      assert.equal(o.exitCode, 0);
      assert.ok(o.durationMs >= 550 && o.durationMs < 10_000, `durationMs ${o.durationMs}`);
      assert.ok((o.peakMemoryBytes ?? 0) >= 96 << 20, `peakMemoryBytes ${o.peakMemoryBytes}`);
    });

    it('keeps 200 concurrent processes apart', async () => {
      const runs = Array.from({ length: 200 }, (_, i) => launcher.launch(request(['/bin/sh', '-c', `exit ${i % 7}`])));
      assert.deepEqual((await Promise.all(runs)).map((o) => o.exitCode), Array.from({ length: 200 }, (_, i) => i % 7));
    });
  });
}

describe('NativeLauncher when its helper goes away', () => {
  it('fails what was running with LauncherUnavailableError and starts a new helper for the next launch', async () => {
    const launcher = new NativeLauncher();
    try {
      const r = request(['/bin/sh', '-c', 'echo $$ > me.pid; exec sleep 30']);
      const running = launcher.launch(r);
      while (!readFileSync(join(r.dir, 'me.pid'), { encoding: 'utf8', flag: 'a+' })) await new Promise((res) => setTimeout(res, 20));
      const helper = (launcher as unknown as { child: { pid: number } }).child.pid;
      process.kill(helper, 'SIGKILL');
      await assert.rejects(running, (e: Error) => e instanceof LauncherUnavailableError && /exited \(SIGKILL\)/.test(e.message));
      process.kill(Number(readFileSync(join(r.dir, 'me.pid'), 'utf8')), 'SIGKILL');
      assert.equal((await launcher.launch(request(['true']))).exitCode, 0);
    } finally {
      await launcher.close();
    }
  });

  it('close() kills the processes still running and fails their launches', async () => {
    const launcher = new NativeLauncher();
    const r = request(['/bin/sh', '-c', 'echo $$ > me.pid; exec sleep 30']);
    const running = launcher.launch(r);
    while (!readFileSync(join(r.dir, 'me.pid'), { encoding: 'utf8', flag: 'a+' })) await new Promise((res) => setTimeout(res, 20));
    const failed = assert.rejects(running, (e: Error) => e instanceof LauncherUnavailableError && e.message === 'process launcher closed');
    await launcher.close();
    await failed;
    assert.ok(await gone(Number(readFileSync(join(r.dir, 'me.pid'), 'utf8'))), 'the tool outlived the launcher');
  });

  it('refuses a NUL byte in a command-line word before sending anything', async () => {
    const launcher = new NativeLauncher();
    try {
      await assert.rejects(launcher.launch(request(['echo', 'a\0b'])), (e: NodeJS.ErrnoException) => e.code === 'ERR_INVALID_ARG_VALUE' && e.message.includes('NUL byte'));
      assert.equal((await launcher.launch(request(['true']))).exitCode, 0);
    } finally {
      await launcher.close();
    }
  });
});

describe('createProcessLauncher', () => {
  it('picks the launcher SABER_PROCESS_LAUNCHER names, and says how to proceed when the native one is not built', async () => {
    const missing = join(tempDir(), 'saber-launch');
    assert.ok(createProcessLauncher('node') instanceof ForkServerLauncher);
    assert.ok(createProcessLauncher('auto', missing) instanceof ForkServerLauncher);
    assert.ok(createProcessLauncher('auto') instanceof NativeLauncher);
    assert.ok(createProcessLauncher('native') instanceof NativeLauncher);
    assert.throws(() => createProcessLauncher('native', missing), (e: Error) => e.message.includes(missing) && e.message.includes('SABER_PROCESS_LAUNCHER=node'));
  });
});
