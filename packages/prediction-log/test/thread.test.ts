// Regression test for event-loop stalls of 80–600 ms (and up to the busy timeout) reported with the SQLite log:
// better-sqlite3 runs a transaction, its fsync and any wait for another connection's write lock on the
// calling thread. Run in a worker thread (createSink(url, { thread: true }), what the server uses), none of
// that blocks the event loop.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPredictionLog, createSink, type PredictionSink } from '../src/index.js';
import { createSqliteSink } from '../src/sqlite/index.js';
import { makeRecord, sleep } from './records.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'catserve-thread-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Enqueues 20 records every 5 ms for 2.5 s while another connection holds the SQLite write lock for 1.5 s;
 * returns the longest event-loop delay seen meanwhile, and the rows written once the lock is gone.
 */
async function logThroughALock(sink: PredictionSink, file: string, prefix: string) {
  const log = createPredictionLog({
    sink,
    spoolDir: join(dir, `spool-${prefix}`),
    retryMaxDelayMs: 200,
  });
  await log.flush(); // migrated, thread started
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const blocker = new Database(file);
  blocker.exec('BEGIN IMMEDIATE');
  delay.enable();
  let n = 0;
  const timer = setInterval(() => {
    for (let k = 0; k < 20; k++) log.enqueue(makeRecord(n++, prefix));
  }, 5);
  await sleep(1500);
  blocker.exec('COMMIT');
  blocker.close();
  await sleep(1000);
  clearInterval(timer);
  delay.disable();
  await log.close();
  const rows = await sink.count();
  await sink.close();
  return { maxDelayMs: delay.max / 1e6, enqueued: n, rows };
}

describe('a sink in a worker thread', () => {
  it('keeps the event loop turning while SQLite waits for another connection’s write lock; every record is written once', async () => {
    const file = join(dir, 'log.db');
    const threaded = await logThroughALock(
      await createSink(`sqlite:${file}`, { thread: true }),
      file,
      'thread',
    );
    console.info(
      `[thread] SQLite write lock held 1.5 s by another connection: longest event-loop delay ${threaded.maxDelayMs.toFixed(1)} ms; ` +
        `${threaded.rows} rows for ${threaded.enqueued} records`,
    );
    expect(threaded.rows).toBe(threaded.enqueued);
    expect(threaded.maxDelayMs).toBeLessThan(250);
  });

  it('(the problem it solves) on the event loop, the same lock stalls it for the whole busy timeout', async () => {
    const file = join(dir, 'direct.db');
    const direct = await logThroughALock(
      createSqliteSink(file, { busyTimeoutMs: 1000 }),
      file,
      'direct',
    );
    console.info(
      `[thread] same on the event loop: longest delay ${direct.maxDelayMs.toFixed(1)} ms`,
    );
    expect(direct.rows).toBe(direct.enqueued);
    expect(direct.maxDelayMs).toBeGreaterThanOrEqual(900);
  });
});
