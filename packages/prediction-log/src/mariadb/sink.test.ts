import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDatabase, mariaDbFromEnv, type TempDatabase } from '../../test-support/index.js';
import { SinkWriteError } from '../errors.js';
import { createMariaDbSink } from './index.js';

describe('MariaDB sink errors', () => {
  it('wraps an unreachable server in SinkWriteError (driver error as cause, no password in the message)', async () => {
    const sink = createMariaDbSink('mysql+pymysql://app:hunter2@127.0.0.1:1/mlops', {
      connectTimeoutMs: 1000,
    });
    const error = await sink.ping().then(
      () => undefined,
      (e: unknown) => e,
    );
    await sink.close();
    expect(error).toBeInstanceOf(SinkWriteError);
    expect((error as SinkWriteError).message).toMatch(
      /^MariaDB ping failed \(127\.0\.0\.1:1\/mlops\): .*ECONNREFUSED/,
    );
    expect((error as SinkWriteError).message).not.toContain('hunter2');
    expect(((error as SinkWriteError).cause as { code?: string }).code).toBe('ECONNREFUSED');
  });
});

const mariadb = await mariaDbFromEnv();
describe.skipIf(mariadb.skip !== undefined)(
  `MariaDB table (${mariadb.skip ?? 'real server'})`,
  () => {
    let db: TempDatabase;
    let conn: mysql.Connection;

    beforeAll(async () => {
      db = await createTempDatabase(mariadb.url!, 'schema');
      const sink = createMariaDbSink(db.url);
      await sink.migrate();
      await sink.write([
        {
          requestId: 'r-1',
          customerId: '42',
          features: { age: 33, occupation: 'Scientist' },
          prediction: 'Good',
          confidence: 0.87,
          elapsedMs: 1.5,
          modelVersion: 'v1',
          createdAt: new Date('2026-12-03T16:15:00.123Z'),
        },
      ]);
      await sink.close();
      conn = await mysql.createConnection(db.url);
    });

    afterAll(async () => {
      await conn?.end();
      await db?.drop();
    });

    it('has the course columns plus request_id and model_version, with microsecond created_at', async () => {
      const [cols] = await conn.query<mysql.RowDataPacket[]>(
        `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'credit_predictions_api_log'
        ORDER BY ORDINAL_POSITION`,
        [db.name],
      );
      expect(
        cols.map((c) => `${c.name} ${c.type}${c.nullable === 'NO' ? ' not null' : ''}`),
      ).toEqual([
        'id bigint(20) unsigned not null',
        'request_id varchar(64) not null',
        'customer_id varchar(64) not null',
        'features longtext not null', // MariaDB's JSON: LONGTEXT with a json_valid() check
        'prediction varchar(32) not null',
        'confidence double not null',
        'elapsed_ms double not null',
        'model_version varchar(128) not null',
        'created_at datetime(6) not null',
      ]);
      const [unique] = await conn.query<mysql.RowDataPacket[]>(
        `SELECT COLUMN_NAME AS col FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'credit_predictions_api_log' AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY'`,
        [db.name],
      );
      expect(unique.map((u) => u.col as string)).toEqual(['request_id']);
      await expect(
        conn.query(
          `INSERT INTO credit_predictions_api_log (request_id, customer_id, features, prediction, confidence, elapsed_ms, model_version)
         VALUES ('r-bad', '1', 'not json', 'Good', 1, 1, 'v1')`,
        ),
      ).rejects.toThrow(/CONSTRAINT .*features.* failed/);
    });

    it('stores values that plain SQL can read (UTC time, JSON functions)', async () => {
      const [rows] = await conn.query<mysql.RowDataPacket[]>(
        `SELECT customer_id, prediction, confidence, JSON_VALUE(features, '$.occupation') AS occupation,
              DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%f') AS created FROM credit_predictions_api_log`,
      );
      expect(rows).toEqual([
        {
          customer_id: '42',
          prediction: 'Good',
          confidence: 0.87,
          occupation: 'Scientist',
          created: '2026-12-03T16:15:00.123000',
        },
      ]);
    });

    it('records the applied drizzle-kit migration once', async () => {
      const [rows] = await conn.query<mysql.RowDataPacket[]>(
        'SELECT COUNT(*) AS n FROM __prediction_log_migrations',
      );
      expect(rows[0]!.n).toBe(1);
    });
  },
);
