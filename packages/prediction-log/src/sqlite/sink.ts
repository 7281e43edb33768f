import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { asc, count, getTableName, sql } from 'drizzle-orm';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { SinkWriteError } from '../errors.js';
import { driverErrorOf, messageOf } from '../driver-error.js';
import { featuresJsonOf } from '../features-json.js';
import type { PredictionRecord } from '../record.js';
import type { PredictionSink } from '../sink.js';
import { sqlitePathFromUrl } from './options.js';
import { predictionLog } from './schema.js';

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle/sqlite', import.meta.url));
const MIGRATIONS_TABLE = '__prediction_log_migrations';

// Built from the drizzle schema's names; idempotent on request_id (the first write wins).
const INSERT_COLUMNS = [
  predictionLog.requestId,
  predictionLog.customerId,
  predictionLog.features,
  predictionLog.prediction,
  predictionLog.confidence,
  predictionLog.elapsedMs,
  predictionLog.modelVersion,
  predictionLog.createdAt,
];
const INSERT_SQL =
  `INSERT INTO "${getTableName(predictionLog)}" (${INSERT_COLUMNS.map((c) => `"${c.name}"`).join(', ')}) ` +
  `VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT ("${predictionLog.requestId.name}") DO NOTHING`;

/** Options of createSqliteSink. */
export interface SqliteSinkOptions {
  /**
   * How long a write waits for another process's write lock before failing (better-sqlite3 waits on the
   * event loop's thread, so keep it short). @default 1000
   */
  busyTimeoutMs?: number;
}

interface Connection {
  client: Database.Database;
  db: BetterSQLite3Database;
  insert?: Database.Statement;
}

class SqliteSink implements PredictionSink {
  readonly #path: string;
  readonly #busyTimeoutMs: number;
  #conn: Connection | undefined;
  #closed = false;

  constructor(path: string, options: SqliteSinkOptions) {
    this.#path = path;
    this.#busyTimeoutMs = options.busyTimeoutMs ?? 1000;
  }

  migrate(): Promise<void> {
    return this.#run('migrate', ({ client }) => {
      const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
      // drizzle's own SQLite migrator reads the last applied migration before its BEGIN, so two
      // processes starting together could both run CREATE TABLE. BEGIN IMMEDIATE serialises them.
      client
        .transaction(() => {
          client.exec(
            `CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`,
          );
          const last = client
            .prepare(
              `SELECT created_at FROM "${MIGRATIONS_TABLE}" ORDER BY created_at DESC LIMIT 1`,
            )
            .get() as { created_at: number | string } | undefined;
          const lastMillis = last === undefined ? -Infinity : Number(last.created_at);
          const record = client.prepare(
            `INSERT INTO "${MIGRATIONS_TABLE}" (hash, created_at) VALUES (?, ?)`,
          );
          for (const migration of migrations) {
            if (migration.folderMillis <= lastMillis) continue;
            for (const statement of migration.sql) client.exec(statement);
            record.run(migration.hash, migration.folderMillis);
          }
        })
        .immediate();
    });
  }

  write(batch: readonly PredictionRecord[]): Promise<void> {
    if (batch.length === 0) return Promise.resolve();
    return this.#run(`write of ${batch.length} rows`, (conn) => {
      // One prepared single-row INSERT run per record inside one IMMEDIATE transaction: a few µs per row,
      // where drizzle's query builder spent ~40 µs building the same multi-row statement.
      const insert = (conn.insert ??= conn.client.prepare(INSERT_SQL));
      conn.client
        .transaction(() => {
          for (const r of batch) {
            insert.run(
              r.requestId,
              r.customerId,
              featuresJsonOf(r),
              r.prediction,
              r.confidence,
              r.elapsedMs,
              r.modelVersion,
              r.createdAt.toISOString(),
            );
          }
        })
        .immediate();
    });
  }

  count(): Promise<number> {
    return this.#run(
      'count',
      ({ db }) => db.select({ n: count() }).from(predictionLog).get()?.n ?? 0,
    );
  }

  readAll(): Promise<PredictionRecord[]> {
    return this.#run('readAll', ({ db }) =>
      db
        .select()
        .from(predictionLog)
        .orderBy(asc(predictionLog.id))
        .all()
        .map((row) => ({
          requestId: row.requestId,
          customerId: row.customerId,
          features: JSON.parse(row.features) as Record<string, unknown>,
          prediction: row.prediction,
          confidence: row.confidence,
          elapsedMs: row.elapsedMs,
          modelVersion: row.modelVersion,
          createdAt: row.createdAt,
        })),
    );
  }

  ping(): Promise<void> {
    return this.#run('ping', ({ db }) => {
      db.get(sql`select 1`);
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#disconnect();
    return Promise.resolve();
  }

  #connect(): Connection {
    if (this.#conn !== undefined) return this.#conn;
    if (this.#path !== ':memory:') mkdirSync(dirname(this.#path), { recursive: true });
    const client = new Database(this.#path, { timeout: this.#busyTimeoutMs });
    try {
      client.pragma('journal_mode = WAL');
      // FULL: a commit is on disk before the writer advances its spool checkpoint past it.
      client.pragma('synchronous = FULL');
    } catch (error) {
      client.close();
      throw error;
    }
    this.#conn = { client, db: drizzle({ client }) };
    return this.#conn;
  }

  #disconnect(): void {
    const conn = this.#conn;
    this.#conn = undefined;
    if (conn?.client.open) conn.client.close();
  }

  // better-sqlite3 is synchronous; the Promise keeps the PredictionSink interface uniform.
  #run<T>(op: string, fn: (conn: Connection) => T): Promise<T> {
    if (this.#closed) {
      return Promise.reject(
        new SinkWriteError(`SQLite ${op} failed (${this.#path}): sink is closed`, {
          cause: new Error('sink is closed'),
        }),
      );
    }
    try {
      return Promise.resolve(fn(this.#connect()));
    } catch (error) {
      // Reopen on the next call: the file may have been replaced or the disk remounted.
      this.#disconnect();
      const cause = driverErrorOf(error);
      return Promise.reject(
        new SinkWriteError(`SQLite ${op} failed (${this.#path}): ${messageOf(cause)}`, { cause }),
      );
    }
  }
}

/**
 * A PredictionSink on a SQLite file (WAL, synchronous=FULL); accepts a path or a `sqlite:` URL and creates
 * missing parent folders. The file is opened on first use.
 */
export function createSqliteSink(
  fileOrUrl: string,
  options: SqliteSinkOptions = {},
): PredictionSink {
  return new SqliteSink(sqlitePathFromUrl(fileOrUrl), options);
}
