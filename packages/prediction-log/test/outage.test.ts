import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPredictionLog, type PredictionSink } from '../src/index.js';
import { createMariaDbSink } from '../src/mariadb/index.js';
import {
  privateMariaDbUnavailable,
  startPrivateMariaDb,
  type PrivateMariaDb,
} from '../test-support/index.js';
import { makeRecord, sleep, waitFor } from './records.js';

const unavailable = privateMariaDbUnavailable();

describe.skipIf(unavailable !== undefined)(
  `MariaDB outage (private mariadbd${unavailable ? `: ${unavailable}` : ''})`,
  () => {
    let server: PrivateMariaDb;
    let spoolDir: string;

    beforeAll(async () => {
      server = await startPrivateMariaDb();
      spoolDir = mkdtempSync(join(tmpdir(), 'catserve-outage-spool-'));
    });

    afterAll(async () => {
      await server?.destroy();
      if (spoolDir !== undefined) rmSync(spoolDir, { recursive: true, force: true });
    });

    async function tableStats(
      prefix: string,
    ): Promise<{ rows: number; distinct: number; inOrder: boolean }> {
      const conn = await mysql.createConnection(server.url);
      try {
        const [rows] = await conn.query<mysql.RowDataPacket[]>(
          'SELECT request_id FROM credit_predictions_api_log WHERE request_id LIKE ? ORDER BY id',
          [`${prefix}-%`],
        );
        const ids = rows.map((r) => r.request_id as string);
        const seqs = ids.map((id) => Number(id.slice(id.lastIndexOf('-') + 1)));
        return {
          rows: ids.length,
          distinct: new Set(ids).size,
          inOrder: seqs.every((s, i) => i === 0 || s > seqs[i - 1]!),
        };
      } finally {
        await conn.end();
      }
    }

    async function load(
      log: ReturnType<typeof createPredictionLog>,
      prefix: string,
      during: (elapsedMs: number) => Promise<void> | void,
      totalMs: number,
    ): Promise<{ enqueued: number; rejected: number }> {
      let enqueued = 0;
      let rejected = 0;
      const started = Date.now();
      while (Date.now() - started < totalMs) {
        for (let k = 0; k < 10; k++) {
          try {
            log.enqueue(makeRecord(enqueued, prefix));
            enqueued++;
          } catch {
            rejected++;
          }
        }
        await during(Date.now() - started);
        await sleep(2);
      }
      return { enqueued, rejected };
    }

    it.each([
      ['crashes (SIGKILL)', 'kill'],
      ['shuts down cleanly', 'stop'],
    ] as const)(
      'the database %s in the middle of a load: no record is lost or duplicated, order is kept',
      async (_label, how) => {
        const sink: PredictionSink = createMariaDbSink(server.url);
        const log = createPredictionLog({
          sink,
          spoolDir,
          flushIntervalMs: 20,
          retryMaxDelayMs: 200,
        });
        await waitFor(() => log.ready(), 20_000, 'migrated');
        let phase: 'up' | 'down' | 'restarting' | 'back' = 'up';
        let sawDegraded = false;
        let maxQueued = 0;
        const prefix = `outage-${how}`;
        const { enqueued, rejected } = await load(
          log,
          prefix,
          async (elapsed) => {
            maxQueued = Math.max(maxQueued, log.stats().queued);
            if (phase === 'up' && elapsed > 1000) {
              phase = 'down';
              await (how === 'kill' ? server.kill() : server.stop());
            } else if (phase === 'down' && elapsed > 3000) {
              sawDegraded = !log.ready() && log.stats().degraded;
              phase = 'restarting';
              await server.start();
              phase = 'back';
            }
          },
          5000,
        );
        expect(rejected).toBe(0);
        expect(sawDegraded).toBe(true);
        const flushStarted = Date.now();
        await waitFor(() => log.stats().queued === 0, 60_000, 'catch-up after the restart');
        const catchUpMs = Date.now() - flushStarted;
        await log.close();
        await sink.close();
        const after = await tableStats(prefix);
        expect(after.rows).toBe(enqueued);
        expect(after.distinct).toBe(after.rows);
        expect(after.inOrder).toBe(true);
        const stats = log.stats();
        expect(stats.writeFailures).toBeGreaterThan(0);
        console.info(
          `[outage ${how}] enqueued ${enqueued}, rows ${after.rows}, max backlog ${maxQueued}, write failures ${stats.writeFailures}, catch-up after load ${catchUpMs} ms`,
        );
      },
    );
  },
);
