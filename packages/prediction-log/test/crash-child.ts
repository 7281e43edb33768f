// Run by crash.test.ts in its own process: enqueues records, then gets SIGKILLed (by itself or the parent).
import { openSync, writeSync } from 'node:fs';
import { createPredictionLog } from '../src/index.js';
import { createSqliteSink } from '../src/sqlite/index.js';
import { makeRecord } from './records.js';

interface ChildConfig {
  mode: 'unflushed' | 'load';
  spoolDir: string;
  dbFile: string;
  flushIntervalMs: number;
  /** unflushed: records made durable first, then records enqueued right before the SIGKILL. */
  durable?: number;
  unflushed?: number;
  /** load: file where the child keeps {enqueued, spooled} after every burst. */
  ledger?: string;
  burst?: number;
}

const config = JSON.parse(process.argv[2]!) as ChildConfig;
const log = createPredictionLog({
  sink: createSqliteSink(config.dbFile),
  spoolDir: config.spoolDir,
  flushIntervalMs: config.flushIntervalMs,
  retryMaxDelayMs: 50,
});

if (config.mode === 'unflushed') {
  const durable = config.durable!;
  for (let i = 0; i < durable; i++) log.enqueue(makeRecord(i, 'crash'));
  const poll = setInterval(() => {
    if (log.stats().spooled < durable) return;
    clearInterval(poll);
    // Same synchronous turn: these never reach the spool.
    for (let i = durable; i < durable + config.unflushed!; i++) log.enqueue(makeRecord(i, 'crash'));
    process.kill(process.pid, 'SIGKILL');
  }, 1);
} else {
  const ledger = openSync(config.ledger!, 'w');
  let enqueued = 0;
  setInterval(() => {
    for (let k = 0; k < config.burst!; k++) log.enqueue(makeRecord(enqueued++, 'load'));
    const line =
      JSON.stringify({ enqueued, spooled: log.stats().spooled, at: Date.now() }).padEnd(127) + '\n';
    writeSync(ledger, line, 0);
  }, 2);
}
