import { spawn, type ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';

/** The services `saber up` can start. */
export const SERVICES = ['catalog', 'planner', 'executor', 'blocker', 'merger', 'optimizer'] as const;

/**
 * `saber up [service...]`: starts services for distributed mode as child processes
 * of this one (each reads NATS_URL, DATABASE_URL, ... from the environment),
 * prefixes their output with their name, and stops them all on SIGINT/SIGTERM.
 * Requires NATS_URL.
 */
export async function upCommand(names: string[]): Promise<number> {
  if (!process.env.NATS_URL) {
    process.stderr.write('saber up starts services for distributed mode: set NATS_URL (and DATABASE_URL for the catalog)\n');
    return 2;
  }
  const unknown = names.filter((n) => !(SERVICES as readonly string[]).includes(n));
  if (unknown.length) {
    process.stderr.write(`unknown service(s): ${unknown.join(', ')}; choose from ${SERVICES.join(', ')}\n`);
    return 2;
  }
  const chosen = names.length ? names : [...SERVICES];
  const children: ChildProcess[] = [];
  for (const name of chosen) {
    const main = require.resolve(`@saber/${name}/package.json`);
    const child = spawn(process.execPath, [`${dirname(main)}/dist/main.js`], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const prefix = (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).map((l) => `[${name}] ${l}\n`).join('');
    child.stdout!.on('data', (c: Buffer) => process.stdout.write(prefix(c)));
    child.stderr!.on('data', (c: Buffer) => process.stderr.write(prefix(c)));
    children.push(child);
  }
  const stop = () => children.forEach((c) => c.kill('SIGTERM'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const codes = await Promise.all(children.map((c) => new Promise<number>((r) => c.once('exit', (code) => r(code ?? 0)))));
  return codes.find((c) => c !== 0) ?? 0;
}
