// Runs the real `catserve` CLI in child processes (from source, through tsx) for end-to-end tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './registry-fixture.js';

const TSX = pathToFileURL(createRequire(join(REPO_ROOT, 'package.json')).resolve('tsx')).href;
/** `node … apps/cli/src/main.ts`, the same as `pnpm catserve`. */
export const CATSERVE = [
  process.execPath,
  '--conditions=@catserve/source',
  '--import',
  TSX,
  join(REPO_ROOT, 'apps/cli/src/main.ts'),
];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `catserve <args>` to completion (asynchronously: the caller's load keeps running). */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd = REPO_ROOT,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(CATSERVE[0]!, [...CATSERVE.slice(1), ...args], {
      env,
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Parses the one JSON record a `--json` command prints on stdout. */
export function jsonRecord(result: CliResult): Record<string, unknown> {
  try {
    return JSON.parse(result.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(
      `not one JSON record on stdout (exit ${result.code}):\n${result.stdout}\n--- stderr:\n${result.stderr}`,
    );
  }
}

export interface Spawned {
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  log(): string;
}

/** Starts a long-running process with its output in `logFile`. */
export function startProcess(
  argv: string[],
  opts: { env: NodeJS.ProcessEnv; cwd: string; logFile: string },
): Spawned {
  const fd = openSync(opts.logFile, 'a');
  const child = spawn(argv[0]!, argv.slice(1), {
    env: opts.env,
    cwd: opts.cwd,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, logFile: opts.logFile, exited, log: () => readFileSync(opts.logFile, 'utf8') };
}

/** Polls `<url>/readyz` until it answers 200; throws with `why()` after `timeoutMs`. */
export async function waitReady(
  url: string,
  timeoutMs: number,
  why: () => string = () => '',
): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms\n${why()}`);
}

/** `/metadata`'s model_version and creation_time. */
export async function servedVersion(
  url: string,
): Promise<{ version: string; creationTime: string }> {
  const res = await fetch(`${url}/metadata`);
  const body = (await res.json()) as { model_version: string; creation_time: string };
  return { version: body.model_version, creationTime: body.creation_time };
}

export interface Load {
  /** Requests answered 200 with a class. */
  ok: number;
  /** Requests answered anything else, or not at all (503 load shedding included), with why. */
  failed: number;
  failures: string[];
  wrongClass: number;
  stop(): Promise<void>;
}

/**
 * Closed-loop load: `concurrency` clients POST /predict back to back (keep-alive), checking every
 * answer; nothing is retried, so a shed (503) or dropped request counts as failed.
 */
export function startLoad(
  url: string,
  rows: { input: Record<string, unknown>; class: string }[],
  concurrency: number,
): Load {
  let running = true;
  const load: Load = {
    ok: 0,
    failed: 0,
    failures: [],
    wrongClass: 0,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
  const once = async (row: { input: Record<string, unknown>; class: string }): Promise<void> => {
    const res = await fetch(`${url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: row.input }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json()) as { predict?: unknown };
    if (res.status !== 200 || typeof body.predict !== 'string') {
      load.failed += 1;
      load.failures.push(`${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      return;
    }
    load.ok += 1;
    if (body.predict !== row.class) load.wrongClass += 1;
  };
  const loop = async (offset: number) => {
    for (let i = offset; running; i += concurrency) {
      try {
        await once(rows[i % rows.length]!);
      } catch (e) {
        load.failed += 1;
        load.failures.push(String(e));
      }
    }
  };
  const loops = Array.from({ length: concurrency }, (_, i) => loop(i));
  return load;
}
