import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { atExit } from '../cleanup.js';
import { BenchError } from '../errors.js';
import { NODE_TS_ARGS, REPO_ROOT } from '../paths.js';

/** A `catserve serve` process started for one benchmark configuration. */
export interface RunningServer {
  host: string;
  port: number;
  pid: number;
  logFile: string;
  /** SIGTERM (drain: in-flight requests finish, the log is flushed), then waits for the exit. */
  stop(): Promise<{ code: number | null; signal: string | null; ms: number }>;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as net.AddressInfo).port;
  srv.close();
  await once(srv, 'close');
  return port;
}

function get(host: string, port: number, path: string): Promise<number> {
  return new Promise((resolveGet) => {
    const req = http.get({ host, port, path, agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolveGet(res.statusCode ?? 0));
    });
    req.on('error', () => resolveGet(0));
    req.on('timeout', () => req.destroy());
  });
}

/** Starts `catserve serve` (the CLI, as `pnpm catserve serve` runs it) and waits until `/readyz` answers 200. */
export async function launchServer(opts: {
  label: string;
  registry: string;
  model: string;
  logDb: string;
  dataDir: string;
  workers: number;
  logDir: string;
}): Promise<RunningServer> {
  const host = '127.0.0.1';
  const port = await freePort();
  const logFile = join(opts.logDir, `server-${opts.label}.log`);
  const log = createWriteStream(logFile);
  const args = [
    ...NODE_TS_ARGS,
    join(REPO_ROOT, 'apps', 'cli', 'src', 'main.ts'),
    'serve',
    '--host',
    host,
    '--port',
    String(port),
    '--registry',
    opts.registry,
    '--model',
    opts.model,
    '--log-db',
    opts.logDb,
    '--data-dir',
    opts.dataDir,
    '--workers',
    String(opts.workers),
  ];
  const env = { ...process.env };
  for (const k of [
    'CATSERVE_ADMIN_TOKEN',
    'LOG_DB_URL',
    'FEATURE_STORE_URL',
    'CATSERVE_WATCH',
    'MODEL_DIR',
  ])
    delete env[k];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  let exited: { code: number | null; signal: string | null } | undefined;
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolveExit) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolveExit(exited);
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new BenchError('could not start catserve serve');
  // its own process group (so a stuck server dies with its workers); never outlive this process
  const forget = atExit(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  void exit.then(forget);

  const deadline = Date.now() + 90_000;
  while (!exited && Date.now() < deadline) {
    if ((await get(host, port, '/readyz')) === 200) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  if (exited || Date.now() >= deadline) {
    killGroup('SIGKILL');
    throw new BenchError(
      `catserve serve (${opts.label}) did not become ready${exited ? ` (exit ${exited.code ?? exited.signal})` : ''}; see ${logFile}`,
    );
  }

  return {
    host,
    port,
    pid,
    logFile,
    async stop() {
      const t0 = performance.now();
      if (!exited) child.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000).unref());
      const first = await Promise.race([exit, timeout]);
      if (first === 'timeout') killGroup('SIGKILL');
      const result = await exit;
      log.end();
      return { ...result, ms: performance.now() - t0 };
    },
  };
}
