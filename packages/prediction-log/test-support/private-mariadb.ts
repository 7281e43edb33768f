import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';

const SERVER_CANDIDATES = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd', '/usr/local/bin/mariadbd'];
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function findServer(): string | undefined {
  return SERVER_CANDIDATES.find((p) => existsSync(p)) ?? whichSync('mariadbd');
}

function whichSync(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path !== '' ? path : undefined;
}

/**
 * Whether a private MariaDB can be started (mariadbd and mariadb-install-db installed): undefined when it can,
 * else the skip reason. Under `CI=true` a missing binary throws instead.
 */
export function privateMariaDbUnavailable(): string | undefined {
  const missing = [
    findServer() === undefined ? 'mariadbd' : '',
    whichSync('mariadb-install-db') === undefined ? 'mariadb-install-db' : '',
  ]
    .filter((s) => s !== '')
    .join(' and ');
  if (missing === '') return undefined;
  const reason = `${missing} not installed (apt-get install mariadb-server)`;
  if (process.env.CI === 'true')
    throw new Error(`${reason}; CI=true requires the outage tests to run`);
  return reason;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** A MariaDB server of its own (datadir, socket and port in a temp folder) that a test may stop and start. */
export interface PrivateMariaDb {
  /** `mysql://root@127.0.0.1:<port>/catserve` (the database exists). */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly running: boolean;
  /** Clean shutdown (SIGTERM), resolves when the process has exited. */
  stop(): Promise<void>;
  /** Crash (SIGKILL), resolves when the process has exited. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and data; resolves when it accepts connections. */
  start(): Promise<void>;
  /** Kills the server and deletes its folder. */
  destroy(): Promise<void>;
}

class PrivateMariaDbServer implements PrivateMariaDb {
  readonly url: string;
  readonly #socket: string;
  #child: ChildProcess | undefined;

  constructor(
    readonly dir: string,
    readonly port: number,
    readonly database: string,
    readonly binary: string,
  ) {
    this.#socket = join(dir, 'mysqld.sock');
    this.url = `mysql://root@127.0.0.1:${port}/${database}`;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  async start(): Promise<void> {
    if (this.#child !== undefined) return;
    const args = [
      '--no-defaults',
      `--datadir=${join(this.dir, 'data')}`,
      `--socket=${this.#socket}`,
      `--port=${this.port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${join(this.dir, 'mysqld.pid')}`,
      `--log-error=${join(this.dir, 'error.log')}`,
      `--tmpdir=${join(this.dir, 'tmp')}`,
      '--skip-name-resolve',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=16M',
      '--innodb-log-file-size=8M',
      '--max-connections=100',
    ];
    if (process.getuid?.() === 0) args.push('--user=root');
    const child = spawn(this.binary, args, { stdio: 'ignore' });
    this.#child = child;
    running.add(child);
    let exited = false;
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      if (this.#child === child) this.#child = undefined;
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exited) throw new Error(`private mariadbd exited during start:\n${this.#errorLogTail()}`);
      try {
        const conn = await mysql.createConnection({
          socketPath: this.#socket,
          user: 'root',
          connectTimeout: 1000,
        });
        await conn.query(`CREATE DATABASE IF NOT EXISTS \`${this.database}\``);
        await conn.end();
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          await this.kill();
          throw new Error(
            `private mariadbd did not accept connections in 60 s (${(error as Error).message}):\n${this.#errorLogTail()}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  stop(): Promise<void> {
    return this.#signal('SIGTERM', 60_000);
  }

  kill(): Promise<void> {
    return this.#signal('SIGKILL', 10_000);
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #signal(signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  #errorLogTail(): string {
    try {
      return readFileSync(join(this.dir, 'error.log'), 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '(no error log)';
    }
  }
}

/**
 * Initialises a fresh datadir with mariadb-install-db in a temp folder and starts `mariadbd` on a free
 * loopback port (root without password over 127.0.0.1). Never touches the shared server on port 3306.
 */
export async function startPrivateMariaDb(
  options: { database?: string } = {},
): Promise<PrivateMariaDb> {
  const binary = findServer();
  if (binary === undefined) throw new Error('mariadbd is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'catserve-mariadb-'));
  mkdirSync(join(dir, 'tmp'));
  const install = spawnSync(
    'mariadb-install-db',
    [
      '--no-defaults',
      `--datadir=${join(dir, 'data')}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--skip-name-resolve',
      ...(process.getuid?.() === 0 ? ['--user=root'] : []),
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (install.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `mariadb-install-db failed (${install.status}): ${install.stderr || install.stdout}`,
    );
  }
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const child of running) child.kill('SIGKILL');
    });
  }
  const server = new PrivateMariaDbServer(
    dir,
    await freePort(),
    options.database ?? 'catserve',
    binary,
  );
  try {
    await server.start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return server;
}
