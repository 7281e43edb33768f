import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SinkWriteError } from '../errors.js';
import { createSqliteSink } from './index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'catserve-sqlite-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('SQLite sink', () => {
  it('uses WAL and stores readable values (ISO time, JSON text)', async () => {
    const file = join(dir, 'log.db');
    const sink = createSqliteSink(file);
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
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(
        db
          .prepare(
            `SELECT id, request_id, customer_id, json_extract(features, '$.occupation') AS occupation, prediction,
                    confidence, elapsed_ms, model_version, created_at FROM credit_predictions_api_log`,
          )
          .all(),
      ).toEqual([
        {
          id: 1,
          request_id: 'r-1',
          customer_id: '42',
          occupation: 'Scientist',
          prediction: 'Good',
          confidence: 0.87,
          elapsed_ms: 1.5,
          model_version: 'v1',
          created_at: '2026-12-03T16:15:00.123Z',
        },
      ]);
      expect(db.prepare('SELECT COUNT(*) AS n FROM __prediction_log_migrations').get()).toEqual({
        n: 1,
      });
    } finally {
      db.close();
    }
  });

  it('wraps an unusable file in SinkWriteError with the driver error as cause, and recovers once it is usable', async () => {
    const blocker = join(dir, 'data');
    writeFileSync(blocker, 'a file where the folder should be');
    const sink = createSqliteSink(join(blocker, 'log.db'));
    const error = await sink.migrate().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SinkWriteError);
    expect((error as SinkWriteError).message).toMatch(
      /^SQLite migrate failed \(.*log\.db\): .*(EEXIST|ENOTDIR)/,
    );
    expect((error as SinkWriteError).cause).toBeInstanceOf(Error);
    rmSync(blocker);
    await sink.migrate();
    expect(await sink.count()).toBe(0);
    await sink.close();
  });

  it('fails a write instead of blocking while another process holds the write lock', async () => {
    const file = join(dir, 'log.db');
    const sink = createSqliteSink(file, { busyTimeoutMs: 50 });
    await sink.migrate();
    const other = new Database(file);
    other.exec('BEGIN EXCLUSIVE');
    const started = Date.now();
    const error = await sink
      .write([
        {
          requestId: 'r-1',
          customerId: '1',
          features: {},
          prediction: 'Good',
          confidence: 1,
          elapsedMs: 1,
          modelVersion: 'v1',
          createdAt: new Date(),
        },
      ])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(Date.now() - started).toBeLessThan(2000);
    expect((error as SinkWriteError).message).toMatch(/database is locked/);
    other.exec('ROLLBACK');
    other.close();
    await sink.close();
  });
});
