// Throughput of the prediction log: `pnpm --filter @catserve/prediction-log bench [sqlite|mariadb|memory] [records]`.
// MariaDB uses MARIADB_URL (a scratch database is created and dropped). Prints one JSON line per run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPredictionLog, MemorySink, type PredictionSink } from '../src/index.js';
import { createMariaDbSink } from '../src/mariadb/index.js';
import { createSqliteSink } from '../src/sqlite/index.js';
import { createTempDatabase } from '../test-support/index.js';
import { makeRecord } from '../test/records.js';

const kind = process.argv[2] ?? 'sqlite';
const total = Number(process.argv[3] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'catserve-bench-'));
let drop: (() => Promise<void>) | undefined;
let sink: PredictionSink;
if (kind === 'mariadb') {
  const url = process.env.MARIADB_URL;
  if (url === undefined) throw new Error('MARIADB_URL is not set');
  const db = await createTempDatabase(url, 'bench');
  drop = () => db.drop();
  sink = createMariaDbSink(db.url);
} else if (kind === 'sqlite') {
  sink = createSqliteSink(join(dir, 'log.db'));
} else {
  sink = new MemorySink();
}
await sink.migrate();
const records = Array.from({ length: total }, (_, i) => makeRecord(i, 'bench'));
const log = createPredictionLog({ sink, spoolDir: join(dir, 'spool') });

// Enqueue in bursts of 1000 (about what a busy server hands over per event-loop turn).
let enqueueNs = 0n;
const started = process.hrtime.bigint();
for (let i = 0; i < total; i += 1000) {
  const t0 = process.hrtime.bigint();
  for (let k = i; k < Math.min(total, i + 1000); k++) log.enqueue(records[k]!);
  enqueueNs += process.hrtime.bigint() - t0;
  await new Promise((r) => setImmediate(r));
}
await log.flush();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const rows = await sink.count();
await log.close();
await sink.close();
await drop?.();
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    sink: kind,
    records: total,
    rows,
    enqueueUsPerRecord: Number(enqueueNs / BigInt(total)) / 1000,
    endToEndRecordsPerSecond: Math.round(total / seconds),
    seconds: Number(seconds.toFixed(2)),
  }),
);
