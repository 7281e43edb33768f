import { SinkUrlError } from './errors.js';
import type { PredictionSink } from './sink.js';

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

/**
 * The sink for a URL: `sqlite:./data/log.db` or a plain path → SQLite; `mysql://`, `mariadb://`,
 * `mysql+pymysql://user:pw@host:3306/db` → MariaDB. Only the chosen backend's driver is loaded.
 * @throws SinkUrlError
 */
export async function createSink(url: string): Promise<PredictionSink> {
  if (sinkKindOf(url) === 'mariadb') {
    const { createMariaDbSink } = await import('./mariadb/index.js');
    return createMariaDbSink(url);
  }
  const { createSqliteSink } = await import('./sqlite/index.js');
  return createSqliteSink(url);
}
