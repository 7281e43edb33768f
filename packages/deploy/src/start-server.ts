import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeployError } from './errors.js';

/** How to bring the API up: a program with arguments (spawned directly) or a shell command line. */
export type StartSpec =
  | { kind: 'argv'; argv: readonly string[]; env?: Record<string, string> }
  | { kind: 'shell'; command: string; env?: Record<string, string> };

export interface StartedServer {
  pid: number | undefined;
  logFile: string;
  command: string;
  readyAfterMs: number;
}

const tail = (file: string, lines = 15): string => {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
};

const describeSpec = (spec: StartSpec): string =>
  spec.kind === 'shell'
    ? spec.command
    : spec.argv.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');

/**
 * Starts the API in the background (detached, output to a log file under `logDir`) and waits
 * until `isReady()` holds. A program that exits before that fails the start; a shell command
 * that exits 0 (e.g. `docker compose up -d`) is fine and the wait goes on.
 * @throws {DeployError} `START_FAILED` or `START_TIMEOUT`; a spawned program is killed on timeout.
 */
export async function startInBackground(
  spec: StartSpec,
  options: { logDir: string; timeoutMs: number; isReady: () => Promise<boolean>; cwd?: string },
): Promise<StartedServer> {
  mkdirSync(options.logDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const logFile = join(
    options.logDir,
    `${spec.kind === 'shell' ? 'start-command' : 'server'}-${stamp}.log`,
  );
  const fd = openSync(logFile, 'a');
  const env = { ...process.env, ...spec.env };
  let child: ChildProcess;
  try {
    child =
      spec.kind === 'shell'
        ? spawn(spec.command, {
            shell: true,
            detached: true,
            stdio: ['ignore', fd, fd],
            env,
            cwd: options.cwd,
          })
        : spawn(spec.argv[0]!, spec.argv.slice(1), {
            detached: true,
            stdio: ['ignore', fd, fd],
            env,
            cwd: options.cwd,
          });
  } finally {
    closeSync(fd);
  }
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  child.on('exit', (code, signal) => (exit = { code, signal }));
  child.on('error', (e) => (spawnError = e));
  child.unref();

  const started = Date.now();
  const command = describeSpec(spec);
  const failed = (why: string) =>
    new DeployError(
      'START_FAILED',
      `${command}: ${why} (log ${logFile})\n${tail(logFile)}`.trimEnd(),
    );
  while (Date.now() - started < options.timeoutMs) {
    if (spawnError) throw failed(`could not start: ${spawnError.message}`);
    if (exit && (spec.kind === 'argv' || exit.code !== 0)) {
      throw failed(`exited before it was ready (${exit.signal ?? `code ${exit.code}`})`);
    }
    if (await options.isReady()) {
      return { pid: child.pid, logFile, command, readyAfterMs: Date.now() - started };
    }
    await sleep(200);
  }
  if (spec.kind === 'argv' && !exit && child.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGTERM'); // the whole detached process group
    } catch {
      // already gone
    }
  }
  throw new DeployError(
    'START_TIMEOUT',
    `${command}: not ready after ${Math.round(options.timeoutMs / 1000)} s (log ${logFile})\n${tail(logFile)}`.trimEnd(),
  );
}
