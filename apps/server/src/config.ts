import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './errors.js';

/** Command-line flags of `catserve serve`; each overrides its environment variable. */
export interface ServeFlags {
  port?: string | number;
  host?: string;
  model?: string;
  logDb?: string;
  registry?: string;
  name?: string;
  dataDir?: string;
  workers?: string | number;
  maxInFlight?: string | number;
  maxLagMs?: string | number;
  /** Prediction-log spool limit: bytes, or a number with KiB, MiB, GiB (also KB, MB, GB). */
  spoolLimit?: string | number;
  watch?: boolean | string | number;
}

/** Everything the server needs to start; produced by `resolveConfig`. */
export interface ServerConfig {
  port: number;
  host: string;
  /** Absolute path of the registry root (holds `<name>/<version>/`). */
  registry: string;
  name: string;
  /** A version folder name in the registry, or a path to a version folder; undefined = newest valid. */
  model: string | undefined;
  /** Prediction-log URL: `sqlite:<file>`, `mysql://`, `mariadb://`, `mysql+pymysql://`. */
  logDb: string;
  /** Absolute path of the data folder (default SQLite file and the log spools). */
  dataDir: string;
  workers: number;
  /** Admin bearer token; the admin routes exist only when it is set. */
  adminToken: string | undefined;
  /** Poll the registry every this many ms and deploy a newer valid version (0 = off). */
  watchMs: number;
  /** Bytes of log records not yet in the database above which predictions get 503 LOG_SPOOL_FULL (per process). */
  spoolLimitBytes: number;
  limits: ServerLimits;
}

/** Bounds that protect the server from overload and hostile input. */
export interface ServerLimits {
  /** Requests being handled at once before new ones get 503 + Retry-After. */
  maxInFlight: number;
  /** Event-loop lag (ms) above which new requests get 503 + Retry-After. */
  maxEventLoopLagMs: number;
  /** Largest `/predict` (and admin, metadata) body in bytes. */
  bodyLimitBytes: number;
  /** Largest `/predict_batch` or `/trpc` body in bytes. */
  batchBodyLimitBytes: number;
  /** Idle keep-alive timeout; above the 60 s idle timeout of common clients and load balancers. */
  keepAliveTimeoutMs: number;
  /** Must exceed keepAliveTimeoutMs (Node closes the socket otherwise). */
  headersTimeoutMs: number;
  /** Longest a whole request (headers and body) may take. */
  requestTimeoutMs: number;
  /** How long a graceful shutdown waits for in-flight requests before closing sockets. */
  shutdownTimeoutMs: number;
}

/** Default limits; tests and flags may override single fields. */
export const DEFAULT_LIMITS: ServerLimits = {
  maxInFlight: 256,
  maxEventLoopLagMs: 200,
  bodyLimitBytes: 64 * 1024,
  batchBodyLimitBytes: 2 * 1024 * 1024,
  keepAliveTimeoutMs: 65_000,
  headersTimeoutMs: 66_000,
  requestTimeoutMs: 120_000,
  shutdownTimeoutMs: 25_000,
};

// Per process: 1 GiB is about 1.2 million records of the course's 23 fields.
const DEFAULT_SPOOL_LIMIT_BYTES = 1024 ** 3;
// A few records: below this every prediction would be refused as soon as the database is away.
const MIN_SPOOL_LIMIT_BYTES = 16 * 1024;
const MAX_SPOOL_LIMIT_BYTES = 1024 ** 4;
const BYTE_UNITS: Record<string, number> = { b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12 };

const DEFAULT_PORT = 3000;
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_NAME = 'credit_score_classifier';

function readDotEnv(file: string): Record<string, string | undefined> {
  if (!existsSync(file)) return {};
  try {
    // The same parser as process.loadEnvFile, without writing into process.env.
    return parseEnv(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
}

function firstSet(...values: (string | number | boolean | undefined)[]): string | undefined {
  for (const v of values) {
    if (v === undefined || v === '') continue;
    return String(v);
  }
  return undefined;
}

function toInt(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

// A size such as `1073741824`, `512MiB`, `1 GiB` or `64KB`, in bytes.
function parseByteSize(name: string, raw: string, min: number, max: number): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = BYTE_UNITS[(m?.[2] || 'b').toLowerCase()];
  if (!m || unit === undefined) {
    throw new ConfigError(`${name} must be a size in bytes or with a unit (KiB, MiB, GiB, KB, MB, GB), got "${raw}"`);
  }
  const bytes = Math.floor(Number(m[1]) * unit);
  if (bytes < min || bytes > max) throw new ConfigError(`${name} must be between ${min} and ${max} bytes, got ${bytes}`);
  return bytes;
}

function toWatchMs(raw: string | undefined): number {
  if (raw === undefined || raw === 'false' || raw === '0') return 0;
  if (raw === 'true') return 10_000;
  return toInt('--watch (seconds)', raw, 1, 86_400) * 1000;
}

/**
 * Resolves the server configuration: flags > environment > `.env` in `cwd` > defaults.
 * @throws {ConfigError} when a value is malformed.
 */
export function resolveConfig(
  flags: ServeFlags = {},
  options: { env?: NodeJS.ProcessEnv; cwd?: string; envFile?: string } = {},
): ServerConfig {
  const cwd = options.cwd ?? process.cwd();
  const dotEnv = readDotEnv(options.envFile ?? join(cwd, '.env'));
  const processEnv = options.env ?? process.env;
  const env = (key: string): string | undefined => firstSet(processEnv[key], dotEnv[key]);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));

  const port = toInt('port', firstSet(flags.port, env('PORT')) ?? String(DEFAULT_PORT), 0, 65_535);
  const host = firstSet(flags.host, env('HOST')) ?? DEFAULT_HOST;
  const registry = abs(firstSet(flags.registry, env('CATSERVE_REGISTRY')) ?? 'models');
  const name = firstSet(flags.name, env('CATSERVE_MODEL_NAME')) ?? DEFAULT_NAME;
  const dataDir = abs(firstSet(flags.dataDir, env('DATA_DIR')) ?? 'data');
  const logDbRaw = firstSet(flags.logDb, env('LOG_DB_URL'), env('FEATURE_STORE_URL'));
  const logDb = logDbRaw ?? `sqlite:${join(dataDir, 'predictions.db')}`;
  const workers = toInt('workers', firstSet(flags.workers, env('CATSERVE_WORKERS')) ?? '1', 1, 64);
  const maxInFlight = toInt(
    'max-in-flight',
    firstSet(flags.maxInFlight, env('CATSERVE_MAX_IN_FLIGHT')) ?? String(DEFAULT_LIMITS.maxInFlight),
    1,
    1_000_000,
  );
  const maxEventLoopLagMs = toInt(
    'max-lag-ms',
    firstSet(flags.maxLagMs, env('CATSERVE_MAX_LAG_MS')) ?? String(DEFAULT_LIMITS.maxEventLoopLagMs),
    1,
    600_000,
  );
  const spoolLimitRaw = firstSet(flags.spoolLimit, env('LOG_SPOOL_LIMIT'));
  const spoolLimitBytes =
    spoolLimitRaw === undefined
      ? DEFAULT_SPOOL_LIMIT_BYTES
      : parseByteSize('spool-limit', spoolLimitRaw, MIN_SPOOL_LIMIT_BYTES, MAX_SPOOL_LIMIT_BYTES);
  if (!/^[\w.:-]+$|^\[[\da-fA-F:.]+\]$/.test(host)) throw new ConfigError(`host "${host}" is not a host name or address`);
  if (!/^[\w.-]+$/.test(name)) throw new ConfigError(`model name "${name}" must be a plain folder name`);

  return {
    port,
    host,
    registry,
    name,
    model: firstSet(flags.model, env('MODEL_DIR')),
    logDb,
    dataDir,
    workers,
    adminToken: env('CATSERVE_ADMIN_TOKEN'),
    watchMs: toWatchMs(firstSet(flags.watch, env('CATSERVE_WATCH'))),
    spoolLimitBytes,
    limits: { ...DEFAULT_LIMITS, maxInFlight, maxEventLoopLagMs },
  };
}

/** The log URL with any password replaced by `***`, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z0-9+.-]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}
