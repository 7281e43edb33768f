import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createPredictionLog,
  InvalidRecordError,
  LogClosedError,
  MemorySink,
  SpoolFullError,
  type PredictionLog,
  type PredictionLogOptions,
} from '../src/index.js';
import { createSqliteSink } from '../src/sqlite/index.js';
import { FaultySink } from './faulty-sink.js';
import { makeRecord, makeRecords, sleep, waitFor } from './records.js';

let dir: string;
const logs: PredictionLog[] = [];

function open(
  options: Omit<PredictionLogOptions, 'spoolDir'> & { spoolDir?: string },
): PredictionLog {
  const log = createPredictionLog({ spoolDir: dir, flushIntervalMs: 10, ...options });
  logs.push(log);
  return log;
}

function spoolFiles(): string[] {
  return readdirSync(dir).sort();
}

function spoolText(): string {
  return spoolFiles()
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('');
}

function ids(records: { requestId: string }[]): string[] {
  return records.map((r) => r.requestId);
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], {
    encoding: 'utf8',
  });
  return Number(child.stdout.trim());
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'catserve-spool-'));
});

afterEach(async () => {
  await Promise.all(logs.splice(0).map((l) => l.close().catch(() => undefined)));
  rmSync(dir, { recursive: true, force: true });
});

describe('createPredictionLog', () => {
  it('writes every record once, in enqueue order, in batches of at most batchSize', async () => {
    const sink = new FaultySink(new MemorySink());
    const log = open({ sink, batchSize: 100 });
    const records = makeRecords(1234);
    for (const r of records) log.enqueue(r);
    await log.flush();
    expect(ids(await sink.readAll())).toEqual(ids(records));
    expect(Math.max(...sink.batches.map((b) => b.length))).toBeLessThanOrEqual(100);
    expect(sink.batches.flat()).toEqual(ids(records));
    expect(log.stats()).toMatchObject({
      queued: 0,
      spooled: 1234,
      written: 1234,
      writeFailures: 0,
      degraded: false,
    });
  });

  it('enqueue never waits for the database; records reach the spool within one flush interval', async () => {
    const sink = new FaultySink(new MemorySink());
    let release!: () => void;
    sink.gate = new Promise((r) => (release = r));
    const log = open({ sink, flushIntervalMs: 50 });
    await waitFor(() => log.ready(), 5000, 'migration');
    const started = performance.now();
    for (const r of makeRecords(1000)) log.enqueue(r);
    const enqueueMs = performance.now() - started;
    expect(enqueueMs).toBeLessThan(500); // 1000 synchronous enqueues while the database hangs
    expect(log.stats().queued).toBe(1000);
    expect(log.stats().spooled).toBe(0);
    await sleep(50 + 200); // one flush interval plus fdatasync time on a busy machine
    expect(log.stats().spooled).toBe(1000);
    expect(spoolText().split('\n').filter(Boolean)).toHaveLength(1000);
    expect(spoolText()).toContain('"r":"req-999"');
    expect(await sink.count()).toBe(0);
    release();
    sink.gate = undefined;
    await log.flush();
    expect(await sink.count()).toBe(1000);
  });

  it('replays a batch whose commit was not acknowledged without duplicating a row (real SQLite)', async () => {
    const sink = new FaultySink(createSqliteSink(join(dir, 'db', 'log.db')));
    sink.failAfterCommit = 2;
    const log = open({ sink, batchSize: 50, retryMaxDelayMs: 20 });
    const records = makeRecords(300);
    for (const r of records) log.enqueue(r);
    await waitFor(() => log.stats().written === 300, 10_000, 'all rows written');
    expect(log.stats().writeFailures).toBe(2);
    expect(await sink.count()).toBe(300);
    expect(ids(await sink.readAll())).toEqual(ids(records));
    await log.close();
    await sink.close();
  });

  it('while the database is down: keeps accepting, reports degraded, retries, then catches up in order', async () => {
    const sink = new FaultySink(new MemorySink());
    const log = open({ sink, retryMaxDelayMs: 50 });
    await waitFor(() => log.ready(), 5000, 'ready');
    sink.down = true;
    const records = makeRecords(500);
    for (const r of records.slice(0, 250)) log.enqueue(r);
    await waitFor(() => log.stats().degraded, 5000, 'degraded');
    for (const r of records.slice(250)) log.enqueue(r);
    await sleep(150);
    expect(log.ready()).toBe(false);
    const during = log.stats();
    expect(during).toMatchObject({
      queued: 500,
      written: 0,
      degraded: true,
      lastError: 'connect ECONNREFUSED (injected)',
    });
    expect(during.writeFailures).toBeGreaterThan(1);
    expect(during.spooled).toBe(500);
    sink.down = false;
    await waitFor(() => log.stats().written === 500, 5000, 'catch-up');
    expect(log.ready()).toBe(true);
    expect(log.stats()).toMatchObject({ queued: 0, degraded: false });
    expect(ids(await sink.readAll())).toEqual(ids(records));
  });

  it('notices an outage while idle (ping) and reports ready again when the database is back', async () => {
    const sink = new FaultySink(new MemorySink());
    const log = open({ sink, pingIntervalMs: 20 });
    await waitFor(() => log.ready(), 5000, 'ready');
    sink.down = true;
    await waitFor(() => !log.ready(), 5000, 'not ready');
    expect(log.stats().degraded).toBe(true);
    sink.down = false;
    await waitFor(() => log.ready(), 5000, 'ready again');
  });

  it('at the spool limit enqueue throws SpoolFullError; nothing accepted is lost and it accepts again after catching up', async () => {
    const sink = new FaultySink(new MemorySink());
    const limit = 64 * 1024;
    const log = open({ sink, spoolLimitBytes: limit, retryMaxDelayMs: 30 });
    sink.down = true;
    let accepted = 0;
    let rejection: unknown;
    for (let i = 0; i < 1000 && rejection === undefined; i++) {
      try {
        log.enqueue(makeRecord(i));
        accepted++;
      } catch (error) {
        rejection = error;
      }
    }
    expect(rejection).toBeInstanceOf(SpoolFullError);
    expect((rejection as SpoolFullError).code).toBe('SPOOL_FULL');
    expect(accepted).toBeGreaterThan(50);
    expect(log.stats().spoolBytes).toBeLessThanOrEqual(limit);
    // Still full once spooled: the backlog, not the memory queue, is what counts.
    await sleep(100);
    expect(() => log.enqueue(makeRecord(5000))).toThrow(SpoolFullError);
    sink.down = false;
    await waitFor(() => log.stats().queued === 0, 5000, 'drain');
    expect(await sink.count()).toBe(accepted);
    expect(ids(await sink.readAll())).toEqual(ids(makeRecords(accepted)));
    log.enqueue(makeRecord(5001));
    await log.flush();
    expect(await sink.count()).toBe(accepted + 1);
  });

  it('rotates and deletes acknowledged spool segments; a clean close leaves no files', async () => {
    const sink = new MemorySink();
    const log = open({ sink, segmentBytes: 32 * 1024 });
    let biggest = 0;
    for (let round = 0; round < 20; round++) {
      for (const r of makeRecords(200, 'rot', round * 200)) log.enqueue(r);
      await log.flush();
      const bytes = spoolFiles().reduce((n, f) => n + statSync(join(dir, f)).size, 0);
      biggest = Math.max(biggest, bytes);
    }
    expect(await sink.count()).toBe(4000);
    expect(biggest).toBeLessThan(4000 * 700); // the spool never holds the whole history
    await log.close();
    expect(spoolFiles()).toEqual([]);
  });

  it('replays a backlog larger than the in-memory window by reading it back from the spool', async () => {
    const sink = new FaultySink(new MemorySink());
    const log = open({ sink, batchSize: 500, retryMaxDelayMs: 30, segmentBytes: 1024 * 1024 });
    sink.down = true;
    const records = makeRecords(25_000, 'big');
    for (let i = 0; i < records.length; i += 5000) {
      for (const r of records.slice(i, i + 5000)) log.enqueue(r);
      await sleep(20);
    }
    await waitFor(() => log.stats().spooled === 25_000, 10_000, 'spooled');
    sink.down = false;
    // New records keep arriving during the catch-up.
    for (const r of makeRecords(100, 'after')) log.enqueue(r);
    await log.flush();
    expect(ids(await sink.readAll())).toEqual([...ids(records), ...ids(makeRecords(100, 'after'))]);
  });

  it('a writer closed while the database is down leaves its spool; the next writer replays it first, exactly once', async () => {
    const down = new FaultySink(new MemorySink());
    down.down = true;
    const first = open({ sink: down, closeTimeoutMs: 200 });
    const old = makeRecords(100, 'old');
    for (const r of old) first.enqueue(r);
    await first.close();
    expect(spoolFiles().some((f) => f.endsWith('.jsonl'))).toBe(true);

    const sink = new MemorySink();
    const second = open({ sink });
    for (const r of makeRecords(50, 'new')) second.enqueue(r);
    await second.flush();
    expect(ids(await sink.readAll())).toEqual([...ids(old), ...ids(makeRecords(50, 'new'))]);
    await second.close();
    expect(spoolFiles()).toEqual([]);
  });

  it("writers sharing a spool folder (cluster workers) never take each other's live files", async () => {
    const sinkA = new FaultySink(new MemorySink());
    sinkA.down = true;
    const a = open({ sink: sinkA, workerId: 1, retryMaxDelayMs: 30 });
    for (const r of makeRecords(40, 'a')) a.enqueue(r);
    await waitFor(() => a.stats().spooled === 40, 5000, 'a spooled');

    const sinkB = new MemorySink();
    const b = open({ sink: sinkB, workerId: 2 });
    for (const r of makeRecords(30, 'b')) b.enqueue(r);
    await b.flush();
    expect(ids(await sinkB.readAll())).toEqual(ids(makeRecords(30, 'b')));
    expect(spoolFiles().some((f) => f.startsWith('spool-w1-'))).toBe(true);
    expect(spoolFiles().some((f) => f.startsWith('spool-w2-'))).toBe(true);
    await b.close();

    sinkA.down = false;
    await a.flush();
    expect(ids(await sinkA.readAll())).toEqual(ids(makeRecords(40, 'a')));
  });

  it("replays a dead process's spool from its checkpoint, skipping unreadable lines and a torn tail", async () => {
    const pid = deadPid();
    const prefix = `spool-w0-p${pid}-000000001abcd`;
    const lines = makeRecords(6, 'dead').map((r) => {
      const t = r.createdAt.getTime();
      return `{"r":"${r.requestId}","c":"${r.customerId}","p":"${r.prediction}","k":${r.confidence},"e":${r.elapsedMs},"m":"${r.modelVersion}","t":${t},"f":${JSON.stringify(r.features)}}\n`;
    });
    // Lines 0-1 were acknowledged before the crash; then a garbage line, three good lines and half a line.
    const acked = lines[0]!.length + lines[1]!.length;
    writeFileSync(
      join(dir, `${prefix}.0.jsonl`),
      lines[0]! +
        lines[1]! +
        'not json at all\n' +
        lines[2]! +
        lines[3]! +
        lines[4]! +
        lines[5]!.slice(0, 40),
    );
    writeFileSync(
      join(dir, `${prefix}.ckpt`),
      JSON.stringify({ seq: 0, off: acked }).padEnd(63) + '\n',
    );

    const sink = new MemorySink();
    const log = open({ sink });
    expect(log.stats().queued).toBe(4); // 4 complete lines after the checkpoint (one unreadable)
    await log.flush();
    expect(ids(await sink.readAll())).toEqual(['dead-2', 'dead-3', 'dead-4']);
    // The garbage line and the torn tail are both reported.
    expect(log.stats().lastError).toMatch(/skipped 2 unreadable spool line/);
    expect(log.stats().queued).toBe(0);
    await log.close();
    expect(spoolFiles()).toEqual([]);
  });

  it('when the spool cannot be written it keeps the records, reports not ready, and recovers', async () => {
    const sink = new MemorySink();
    const spoolDir = join(dir, 'spool');
    // 1-byte segments: every append opens a new file, which fails while the folder is gone.
    const log = open({ sink, spoolDir, segmentBytes: 1 });
    for (const r of makeRecords(10, 'x')) log.enqueue(r);
    await log.flush();
    rmSync(spoolDir, { recursive: true });
    for (const r of makeRecords(10, 'y')) log.enqueue(r);
    await waitFor(() => !log.ready(), 5000, 'not ready');
    expect(log.stats()).toMatchObject({ queued: 10, spooled: 10 });
    expect(log.stats().lastError).toMatch(/ENOENT/);
    mkdirSync(spoolDir);
    await waitFor(() => log.ready() && log.stats().queued === 0, 5000, 'recovered');
    expect(ids(await sink.readAll())).toEqual([
      ...ids(makeRecords(10, 'x')),
      ...ids(makeRecords(10, 'y')),
    ]);
  });

  it('close() hands records it could not spool straight to the database', async () => {
    const sink = new MemorySink();
    const spoolDir = join(dir, 'spool');
    const log = open({ sink, spoolDir, segmentBytes: 1 });
    for (const r of makeRecords(5, 'x')) log.enqueue(r);
    await log.flush();
    rmSync(spoolDir, { recursive: true });
    for (const r of makeRecords(5, 'y')) log.enqueue(r);
    await log.close();
    expect(ids(await sink.readAll())).toEqual([
      ...ids(makeRecords(5, 'x')),
      ...ids(makeRecords(5, 'y')),
    ]);
  });

  it('rejects records the database would refuse, synchronously and before spooling', () => {
    const log = open({ sink: new MemorySink() });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cases: [string, Partial<Parameters<PredictionLog['enqueue']>[0]>][] = [
      ['confidence', { confidence: Number.NaN }],
      ['elapsedMs', { elapsedMs: Infinity }],
      ['requestId', { requestId: 'x'.repeat(65) }],
      ['customerId', { customerId: '' }],
      ['createdAt', { createdAt: new Date('nope') }],
      ['features', { features: cyclic }],
    ];
    for (const [field, override] of cases) {
      let error: unknown;
      try {
        log.enqueue(makeRecord(1, 'bad', override));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidRecordError);
      expect((error as InvalidRecordError).field).toBe(field);
    }
    expect(() =>
      log.enqueue(makeRecord(1, 'bad', { confidence: Number.NaN })),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidRecordError: invalid prediction record: confidence must be a finite number]`,
    );
    expect(log.stats().queued).toBe(0);
  });

  it('close() writes everything, resolves, and later enqueues throw LogClosedError', async () => {
    const sink = new MemorySink();
    const log = open({ sink, flushIntervalMs: 10_000 });
    for (const r of makeRecords(77)) log.enqueue(r);
    await log.close();
    expect(await sink.count()).toBe(77);
    expect(() => log.enqueue(makeRecord(78))).toThrow(LogClosedError);
    expect(log.ready()).toBe(false);
  });

  it('a caller mutating its record after enqueue does not change what is logged', async () => {
    const sink = new MemorySink();
    const log = open({ sink });
    const r = makeRecord(1);
    log.enqueue(r);
    r.prediction = 'Poor';
    (r.features as { age: number }).age = -1;
    await log.flush();
    expect((await sink.readAll())[0]).toEqual(makeRecord(1));
  });
});
