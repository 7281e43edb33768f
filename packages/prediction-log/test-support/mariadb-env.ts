import mysql from 'mysql2/promise';

/** Whether MariaDB tests can run: the URL, or the reason they are skipped. */
export type MariaDbAvailability =
  { url: string; skip?: undefined } | { url?: undefined; skip: string };

const isCi = (): boolean => process.env.CI === 'true';

/**
 * Checks `MARIADB_URL` and that the server answers. Returns a skip reason when it is unset or unreachable,
 * except under `CI=true`, where it throws so the tests fail instead of silently skipping.
 */
export async function mariaDbFromEnv(): Promise<MariaDbAvailability> {
  const url = process.env.MARIADB_URL;
  let skip: string | undefined;
  if (url === undefined || url === '') {
    skip = 'MARIADB_URL is not set (e.g. mysql://catserve:catserve@127.0.0.1:3306/catserve_test)';
  } else {
    try {
      const conn = await mysql.createConnection({ uri: url, connectTimeout: 3000 });
      await conn.end();
    } catch (error) {
      skip = `MariaDB at MARIADB_URL is unreachable: ${(error as Error).message}`;
    }
  }
  if (skip === undefined) return { url: url! };
  if (isCi()) throw new Error(`${skip}; CI=true requires the MariaDB tests to run`);
  return { skip };
}

/** A database created for one test run; `drop()` removes it. */
export interface TempDatabase {
  name: string;
  /** `baseUrl` with the database replaced by this one. */
  url: string;
  drop(): Promise<void>;
}

/** Creates a uniquely named database on the server of `baseUrl` (whose user may create databases). */
export async function createTempDatabase(baseUrl: string, label = 'test'): Promise<TempDatabase> {
  const name =
    `cs_${label.replace(/[^a-z0-9_]/gi, '_')}_${process.pid}_${Date.now().toString(36)}_${Math.random()
      .toString(36)
      .slice(2, 6)}`.slice(0, 64);
  const conn = await mysql.createConnection({ uri: baseUrl, connectTimeout: 5000 });
  try {
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await conn.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = await mysql.createConnection({ uri: baseUrl, connectTimeout: 5000 });
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await c.end();
      }
    },
  };
}
