import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './env.js';

/** A `catserve serve` child process and the JSON events it printed. */
export interface ServeProcess {
  proc: ChildProcess;
  url: string;
  events: Record<string, unknown>[];
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `pnpm catserve serve …` as the README does (node + tsx on the sources) and waits for "listening". */
export async function spawnServe(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<ServeProcess> {
  const proc = spawn(
    process.execPath,
    ['--conditions=@catserve/source', '--import', 'tsx', join(REPO_ROOT, 'apps/cli/src/main.ts'), 'serve', ...args],
    { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const events: Record<string, unknown>[] = [];
  let text = '';
  let pending = '';
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    pending += chunk.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        events.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not an event line
      }
    }
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" event within ${timeoutMs} ms:\n${text}`)), timeoutMs);
    const poll = setInterval(() => {
      const listening = events.find((e) => e.event === 'listening');
      if (listening) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(String(listening.url));
      }
    }, 20);
    void exited.then(({ code }) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before listening:\n${text}`));
    });
  });
  return { proc, url, events, output: () => text, exited, kill: (signal = 'SIGTERM') => proc.kill(signal) };
}

/** Child pids of a process (Linux /proc). */
export async function childPids(pid: number): Promise<number[]> {
  const { readFileSync } = await import('node:fs');
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
