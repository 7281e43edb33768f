import { fileURLToPath } from 'node:url';
import { asc, count, sql } from 'drizzle-orm';
import { drizzle, type MySql2Database } from 'drizzle-orm/mysql2';
import { migrate } from 'drizzle-orm/mysql2/migrator';
import mysql from 'mysql2/promise';
import { SinkWriteError } from '../errors.js';
import { driverErrorOf, messageOf } from '../driver-error.js';
import { featuresJsonOf } from '../features-json.js';
import type { PredictionRecord } from '../record.js';
import type { PredictionSink } from '../sink.js';
import { mariaDbOptionsFromUrl } from './options.js';
import { predictionLog } from './schema.js';

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle/mariadb', import.meta.url));
const MIGRATIONS_TABLE = '__prediction_log_migrations';
const ROWS_PER_INSERT = 500;
const MIGRATION_LOCK_WAIT_S = 60;

/** Options of createMariaDbSink (the URL's query parameters take precedence). */
export interface MariaDbSinkOptions {
  /** @default 4 */
  connectionLimit?: number;
  /** @default 5000 */
  connectTimeoutMs?: number;
}

class MariaDbSink implements PredictionSink {
  readonly #options: mysql.PoolOptions & { database: string };
  readonly #where: string;
  readonly #pool: mysql.Pool;
  readonly #db: MySql2Database;

  constructor(url: string, options: MariaDbSinkOptions) {
    const fromUrl = mariaDbOptionsFromUrl(url);
    this.#options = {
      connectionLimit: options.connectionLimit ?? 4,
      connectTimeout: options.connectTimeoutMs ?? 5000,
      enableKeepAlive: true,
      // Dates travel as UTC strings (drizzle formats them); never shift them by the host's zone.
      timezone: 'Z',
      ...fromUrl,
    };
    this.#where = this.#options.socketPath ?? `${this.#options.host}:${this.#options.port}`;
    this.#where += `/${this.#options.database}`;
    // The pool connects lazily: creating the sink succeeds while the server is down.
    this.#pool = mysql.createPool(this.#options);
    this.#db = drizzle({ client: this.#pool });
  }

  migrate(): Promise<void> {
    return this.#run('migrate', async () => {
      // GET_LOCK is per connection, so migrate on a dedicated one; it serialises concurrent starts
      // (several workers or instances) that would otherwise race on CREATE TABLE.
      const conn = await mysql.createConnection(this.#options);
      try {
        const lockName = `catserve_prediction_log:${this.#options.database}`.slice(0, 64);
        const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS got', [
          lockName,
          MIGRATION_LOCK_WAIT_S,
        ]);
        if (rows[0]?.got !== 1)
          throw new Error(`timed out waiting for the migration lock ${lockName}`);
        try {
          await migrate(drizzle({ client: conn }), {
            migrationsFolder: MIGRATIONS_FOLDER,
            migrationsTable: MIGRATIONS_TABLE,
          });
        } finally {
          await conn.query('DO RELEASE_LOCK(?)', [lockName]);
        }
      } finally {
        await conn.end();
      }
    });
  }

  write(batch: readonly PredictionRecord[]): Promise<void> {
    if (batch.length === 0) return Promise.resolve();
    return this.#run(`write of ${batch.length} rows`, async () => {
      const insert = async (db: MySql2Database, start: number): Promise<void> => {
        const rows = batch.slice(start, start + ROWS_PER_INSERT).map((r) => ({
          requestId: r.requestId,
          customerId: r.customerId,
          features: featuresJsonOf(r),
          prediction: r.prediction,
          confidence: r.confidence,
          elapsedMs: r.elapsedMs,
          modelVersion: r.modelVersion,
          createdAt: r.createdAt,
        }));
        // Not INSERT IGNORE, which would also turn truncation and other data errors into warnings.
        await db
          .insert(predictionLog)
          .values(rows)
          .onDuplicateKeyUpdate({ set: { id: sql`id` } });
      };
      if (batch.length <= ROWS_PER_INSERT) {
        await insert(this.#db, 0);
      } else {
        await this.#db.transaction(async (tx) => {
          for (let start = 0; start < batch.length; start += ROWS_PER_INSERT)
            await insert(tx, start);
        });
      }
    });
  }

  count(): Promise<number> {
    return this.#run('count', async () => {
      const [row] = await this.#db.select({ n: count() }).from(predictionLog);
      return Number(row?.n ?? 0);
    });
  }

  readAll(): Promise<PredictionRecord[]> {
    return this.#run('readAll', async () => {
      const rows = await this.#db.select().from(predictionLog).orderBy(asc(predictionLog.id));
      return rows.map((row) => ({
        requestId: row.requestId,
        customerId: row.customerId,
        // MariaDB's JSON is LONGTEXT, so mysql2 hands back a string (MySQL would give an object).
        features: (typeof row.features === 'string'
          ? JSON.parse(row.features)
          : row.features) as Record<string, unknown>,
        prediction: row.prediction,
        confidence: row.confidence,
        elapsedMs: row.elapsedMs,
        modelVersion: row.modelVersion,
        createdAt: row.createdAt,
      }));
    });
  }

  ping(): Promise<void> {
    return this.#run('ping', async () => {
      await this.#pool.query('SELECT 1');
    });
  }

  close(): Promise<void> {
    return this.#pool.end().catch(() => undefined);
  }

  async #run<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const cause = driverErrorOf(error);
      throw new SinkWriteError(`MariaDB ${op} failed (${this.#where}): ${messageOf(cause)}`, {
        cause,
      });
    }
  }
}

/**
 * A PredictionSink on MariaDB (or MySQL) through a mysql2 pool; accepts `mysql://`, `mariadb://` and
 * `mysql+pymysql://` URLs. Connects lazily, so it can be created while the server is down.
 */
export function createMariaDbSink(url: string, options: MariaDbSinkOptions = {}): PredictionSink {
  return new MariaDbSink(url, options);
}
