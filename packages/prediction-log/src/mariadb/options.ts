import type { PoolOptions } from 'mysql2';
import { SinkUrlError } from '../errors.js';

const SCHEME = /^(mysql|mariadb)(\+[a-z0-9]+)?:$/;

/** The URL with its password replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

/**
 * mysql2 pool options from `mysql://`, `mariadb://` or SQLAlchemy's `mysql+pymysql://user:pw@host:3306/db`.
 * Query parameters: `charset`, `unix_socket` (or `socketPath`), `connectTimeout` (ms), `connectionLimit`.
 */
export function mariaDbOptionsFromUrl(url: string): PoolOptions & { database: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SinkUrlError(`cannot parse MariaDB URL "${redactUrl(url)}"`);
  }
  if (!SCHEME.test(parsed.protocol)) {
    throw new SinkUrlError(
      `"${redactUrl(url)}" is not a mysql://, mariadb:// or mysql+<driver>:// URL`,
    );
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) {
    throw new SinkUrlError(
      `MariaDB URL "${redactUrl(url)}" must name one database, e.g. mysql://user:pw@host:3306/mlops`,
    );
  }
  const options: PoolOptions & { database: string } = {
    host: parsed.hostname === '' ? 'localhost' : parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database,
    charset: 'utf8mb4',
  };
  for (const [key, value] of parsed.searchParams) {
    switch (key) {
      case 'charset':
        options.charset = value;
        break;
      case 'unix_socket':
      case 'socketPath':
        options.socketPath = value;
        break;
      case 'connectTimeout':
      case 'connectionLimit': {
        const n = Number(value);
        if (!Number.isInteger(n) || n <= 0)
          throw new SinkUrlError(`MariaDB URL parameter ${key} must be a positive integer`);
        options[key] = n;
        break;
      }
      default:
        throw new SinkUrlError(
          `unsupported MariaDB URL parameter "${key}" (supported: charset, unix_socket, socketPath, connectTimeout, connectionLimit)`,
        );
    }
  }
  return options;
}
