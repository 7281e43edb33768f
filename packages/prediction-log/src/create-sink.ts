import { resolve } from 'node:path';
import { SinkUrlError } from './errors.js';
import { mariaDbOptionsFromUrl } from './mariadb/options.js';
import type { PredictionSink } from './sink.js';
import { sqlitePathFromUrl } from './sqlite/options.js';

const MARIADB_SCHEME = /^(mysql|mariadb)(\+[a-z0-9]+)?:\/\//i;
const ANY_SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/** Which backend `createSink` picks for a URL: `'sqlite'` or `'mariadb'`. @throws SinkUrlError */
export function sinkKindOf(url: string): 'sqlite' | 'mariadb' {
  if (MARIADB_SCHEME.test(url)) return 'mariadb';
  const scheme = ANY_SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme === 'sqlite' || scheme === 'file') return 'sqlite';
  throw new SinkUrlError(
    `unsupported log database URL scheme "${scheme}:" (use sqlite:<path>, a file path, mysql://, mariadb:// or mysql+pymysql://)`,
  );
}

/** Options of createSink. */
export interface CreateSinkOptions {
  /**
   * Run the sink in a worker thread, so database work never blocks this thread's event loop (what a server
   * wants: better-sqlite3 is synchronous). @default false
   */
  thread?: boolean;
}

/**
 * The sink for a URL: `sqlite:./data/log.db` or a plain path → SQLite; `mysql://`, `mariadb://`,
 * `mysql+pymysql://user:pw@host:3306/db` → MariaDB. Only the chosen backend's driver is loaded.
 * @throws SinkUrlError
 */
export async function createSink(
  url: string,
  options: CreateSinkOptions = {},
): Promise<PredictionSink> {
  const kind = sinkKindOf(url);
  if (options.thread === true) {
    // Refuse a bad URL here, not later inside the thread.
    sinkIdentity(url);
    const { createThreadedSink } = await import('./threaded/threaded-sink.js');
    return createThreadedSink(url);
  }
  if (kind === 'mariadb') {
    const { createMariaDbSink } = await import('./mariadb/index.js');
    return createMariaDbSink(url);
  }
  const { createSqliteSink } = await import('./sqlite/index.js');
  return createSqliteSink(url);
}

/**
 * The database a log URL points at, without credentials or driver options: `mariadb://host:port/db`
 * (`mysql://`, `mariadb://` and `mysql+<driver>://` alike), `mariadb://localhost/db?socket=/path`, or
 * `sqlite:<absolute path>` (resolved against `cwd`). A key for per-database state, such as a spool folder,
 * that survives a password rotation.
 * @throws SinkUrlError
 */
export function sinkIdentity(url: string, cwd: string = process.cwd()): string {
  if (sinkKindOf(url) === 'mariadb') {
    const o = mariaDbOptionsFromUrl(url);
    const db = encodeURIComponent(o.database);
    if (o.socketPath !== undefined)
      return `mariadb://localhost/${db}?socket=${encodeURIComponent(o.socketPath)}`;
    const host = (o.host ?? 'localhost').toLowerCase();
    return `mariadb://${host.includes(':') ? `[${host}]` : host}:${o.port ?? 3306}/${db}`;
  }
  const path = sqlitePathFromUrl(url);
  return `sqlite:${path === ':memory:' ? path : resolve(cwd, path)}`;
}
