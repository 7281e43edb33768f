import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCi } from './env.js';

// The pinned schemathesis release (PyPI); installed once into a venv under the system temp dir.
const SCHEMATHESIS_VERSION = '4.32.5';

/** Runs a command without blocking the event loop (the server under test may live in this process). */
export function run(cmd: string, args: string[], timeoutMs: number, cwd?: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, output: `${output}\n${e.message}` });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** The `st` executable, installing it on first use; or why the fuzz test is skipped (never under CI=true). */
export async function schemathesis(): Promise<{ st: string; skip?: undefined } | { st?: undefined; skip: string }> {
  const venv = join(tmpdir(), `catserve-schemathesis-${SCHEMATHESIS_VERSION}`);
  const st = join(venv, 'bin', 'st');
  if (existsSync(st)) return { st };
  const steps: [string, string[]][] = [
    ['python3', ['-m', 'venv', venv]],
    [join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`]],
  ];
  for (const [cmd, args] of steps) {
    const r = await run(cmd, args, 240_000);
    if (r.code !== 0) {
      const why = `cannot install schemathesis ${SCHEMATHESIS_VERSION} from PyPI into ${venv}: ${r.output.trim().split('\n').slice(-3).join(' / ')}`;
      if (isCi()) throw new Error(`${why}; CI=true requires the fuzz test to run`);
      return { skip: why };
    }
  }
  return { st };
}
