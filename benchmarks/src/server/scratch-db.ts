import mysql from 'mysql2/promise';
import { createSink } from '@catserve/prediction-log';
import { onInterrupt } from '../cleanup.js';
import { BenchError } from '../errors.js';

/** A throwaway MariaDB database for one server run. */
export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function connectionOptions(url: URL): mysql.ConnectionOptions {
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

/** Creates `catserve_bench_<stamp>_<label>` next to the database of `baseUrl` (MARIADB_URL). */
export async function createScratchDatabase(
  baseUrl: string,
  label: string,
): Promise<ScratchDatabase> {
  const url = new URL(baseUrl);
  const name =
    `catserve_bench_${Date.now().toString(36)}_${label.replace(/[^a-z0-9]/gi, '_')}`.slice(0, 64);
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection(connectionOptions(url));
  } catch (e) {
    throw new BenchError(
      `cannot connect to MariaDB at ${url.host} (MARIADB_URL): ${(e as Error).message}`,
      { cause: e },
    );
  }
  try {
    await conn.query(`CREATE DATABASE \`${name}\``);
  } finally {
    await conn.end();
  }
  const scratch = new URL(baseUrl);
  scratch.pathname = `/${name}`;
  const drop = async (): Promise<void> => {
    const c = await mysql.createConnection(connectionOptions(url));
    try {
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
    } finally {
      await c.end();
    }
  };
  const forget = onInterrupt(drop);
  return {
    name,
    url: scratch.toString(),
    async drop() {
      forget();
      await drop();
    },
  };
}

/** Rows in the prediction log table behind `url` (sqlite:… or mysql://…), read through the log package's sink. */
export async function countLogRows(url: string): Promise<number> {
  const sink = await createSink(url);
  try {
    return await sink.count();
  } finally {
    await sink.close();
  }
}
