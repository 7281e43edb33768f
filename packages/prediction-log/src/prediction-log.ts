import cluster from 'node:cluster';
import { LogClosedError, SpoolError, SpoolFullError } from './errors.js';
import { messageOf } from './driver-error.js';
import { assertValidRecord, type PredictionRecord } from './record.js';
import type { PredictionSink } from './sink.js';
import { Spool } from './spool.js';
import { encodeRecord, type EncodedRecord } from './spool-line.js';

/** Options of createPredictionLog. */
export interface PredictionLogOptions {
  sink: PredictionSink;
  /** Folder of the durable spool; several writers (cluster workers) may share it. */
  spoolDir: string;
  /** Longest time an enqueued record stays only in memory before it is written to the spool. @default 50 */
  flushIntervalMs?: number;
  /** Most records per sink write. @default 500 */
  batchSize?: number;
  /** Bytes of not-yet-acknowledged records above which `enqueue` throws SpoolFullError. @default 1073741824 (1 GiB) */
  spoolLimitBytes?: number;
  /** Part of the spool file names; defaults to the node:cluster worker id (0 in the primary). */
  workerId?: string | number;
  /** Longest wait between retries while the database is down. @default 2000 */
  retryMaxDelayMs?: number;
  /** A sink write that has not settled after this long counts as failed (and is retried). @default 30000 */
  writeTimeoutMs?: number;
  /** How long `close()` keeps writing (and retrying) the backlog before leaving the rest in the spool. @default 5000 */
  closeTimeoutMs?: number;
  /** How often an idle writer pings the database so `ready()` notices an outage. @default 5000 */
  pingIntervalMs?: number;
  /** Spool segment size at which a new file is started. @default 16777216 (16 MiB) */
  segmentBytes?: number;
}

/** Counters and state for /metrics and /readyz. */
export interface PredictionLogStats {
  /** Records accepted and not yet acknowledged by the database (in memory or in the spool). */
  queued: number;
  /** Records made durable in the spool since this writer started (counter). */
  spooled: number;
  /** Records acknowledged by the database since this writer started, replayed ones included (counter). */
  written: number;
  /** Failed sink operations (writes, migrations, pings) since this writer started (counter). */
  writeFailures: number;
  /** True while the last sink operation failed (database unreachable). */
  degraded: boolean;
  lastError?: string;
  /** Bytes counted against `spoolLimitBytes`. */
  spoolBytes: number;
}

/** The batching, spooling writer in front of a PredictionSink. */
export interface PredictionLog {
  /** Accepts a record without waiting for anything. @throws SpoolFullError at the spool limit, InvalidRecordError, LogClosedError */
  enqueue(r: PredictionRecord): void;
  /** Accepts all of `records` or none of them (one prediction batch). @throws like `enqueue`, before accepting any */
  enqueueAll(records: readonly PredictionRecord[]): void;
  stats(): PredictionLogStats;
  /** True when the database accepts writes and the spool works. */
  ready(): boolean;
  /** Resolves once every record enqueued before the call is in the database; rejects on the first failure meanwhile. */
  flush(): Promise<void>;
  /** Stops accepting, writes the backlog (or leaves it in the spool for the next start) and resolves. */
  close(): Promise<void>;
}

interface Batch {
  records: PredictionRecord[];
  /** Lines consumed from the spool (records plus unreadable lines). */
  lines: number;
  /** Entries taken from the in-memory window. */
  fromMemory: number;
  end: number;
}

interface Waiter {
  target: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

function defaultWorkerId(): string {
  return String(cluster.isWorker && cluster.worker !== undefined ? cluster.worker.id : 0);
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0)
    throw new RangeError(`createPredictionLog: ${name} must be a positive number`);
  return v;
}

class SpoolingPredictionLog implements PredictionLog {
  readonly #sink: PredictionSink;
  readonly #spool: Spool;
  readonly #flushIntervalMs: number;
  readonly #batchSize: number;
  readonly #spoolLimitBytes: number;
  readonly #retryMaxDelayMs: number;
  readonly #writeTimeoutMs: number;
  readonly #closeTimeoutMs: number;
  // Spooled-but-unacknowledged records kept in memory, so the database path never re-reads the file.
  // While `#memoryMode` it holds exactly [ackOffset, #end); otherwise a prefix of it and the rest
  // is read back from the spool (after an outage, or records recovered from a crash).
  readonly #memoryCap: number;

  #pending: EncodedRecord[] = [];
  #pendingBytes = 0;
  #appendingCount = 0;
  #appendingBytes = 0;
  #appendChain: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout;

  #memory: EncodedRecord[] = [];
  #memoryHead = 0;
  #memoryMode: boolean;
  /** Global spool offset up to which records are durable, as known to this writer. */
  #end: number;
  #unackedLines: number;

  #batch: Batch | undefined;
  #draining: Promise<void> | undefined;
  #migrated = false;
  #failures = 0;
  #wake: (() => void) | undefined;
  #waiters: Waiter[] = [];

  #spooled = 0;
  #written = 0;
  #writeFailures = 0;
  #degraded = false;
  #spoolFailing = false;
  #lastError: string | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;
  #deadline = Infinity;

  constructor(options: PredictionLogOptions) {
    this.#sink = options.sink;
    this.#flushIntervalMs = positive('flushIntervalMs', options.flushIntervalMs, 50);
    this.#batchSize = Math.floor(positive('batchSize', options.batchSize, 500));
    this.#spoolLimitBytes = positive(
      'spoolLimitBytes',
      options.spoolLimitBytes,
      1024 * 1024 * 1024,
    );
    this.#retryMaxDelayMs = positive('retryMaxDelayMs', options.retryMaxDelayMs, 2000);
    this.#writeTimeoutMs = positive('writeTimeoutMs', options.writeTimeoutMs, 30_000);
    this.#closeTimeoutMs = positive('closeTimeoutMs', options.closeTimeoutMs, 5000);
    const pingIntervalMs = positive('pingIntervalMs', options.pingIntervalMs, 5000);
    const segmentBytes = positive('segmentBytes', options.segmentBytes, 16 * 1024 * 1024);
    this.#memoryCap = Math.max(10_000, this.#batchSize * 20);
    this.#spool = new Spool(
      options.spoolDir,
      String(options.workerId ?? defaultWorkerId()),
      segmentBytes,
    );
    this.#unackedLines = this.#spool.recoveredLines;
    this.#end = this.#spool.endOffset;
    this.#memoryMode = this.#spool.ackOffset === this.#end;
    this.#pingTimer = setInterval(() => this.#ping(), pingIntervalMs).unref();
    // Migrates, then replays whatever a previous process left in the spool.
    void this.#drain();
  }

  enqueue(r: PredictionRecord): void {
    this.enqueueAll([r]);
  }

  enqueueAll(records: readonly PredictionRecord[]): void {
    if (this.#closed) throw new LogClosedError();
    const encoded = records.map((r) => {
      assertValidRecord(r);
      return encodeRecord(r);
    });
    const bytes = encoded.reduce((n, e) => n + e.bytes, 0);
    const spoolBytes = this.#spoolBytes();
    if (spoolBytes + bytes > this.#spoolLimitBytes)
      throw new SpoolFullError(spoolBytes, this.#spoolLimitBytes);
    if (encoded.length === 0) return;
    for (const e of encoded) this.#pending.push(e);
    this.#pendingBytes += bytes;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.#appendPending();
    }, this.#flushIntervalMs);
  }

  stats(): PredictionLogStats {
    const stats: PredictionLogStats = {
      queued: this.#pending.length + this.#appendingCount + this.#unackedLines,
      spooled: this.#spooled,
      written: this.#written,
      writeFailures: this.#writeFailures,
      degraded: this.#degraded,
      spoolBytes: this.#spoolBytes(),
    };
    if (this.#lastError !== undefined) stats.lastError = this.#lastError;
    return stats;
  }

  ready(): boolean {
    return !this.#closed && this.#migrated && !this.#degraded && !this.#spoolFailing;
  }

  async flush(): Promise<void> {
    if (this.#closed) return this.close();
    await this.#appendPending();
    if (this.#spoolFailing) throw new SpoolError(this.#lastError ?? 'spool write failed');
    const target = this.#end;
    if (this.#spool.ackOffset >= target) return;
    const done = new Promise<void>((resolve, reject) =>
      this.#waiters.push({ target, resolve, reject }),
    );
    void this.#drain();
    await done;
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#pingTimer);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#appendPending();
    this.#deadline = Date.now() + this.#closeTimeoutMs;
    this.#wake?.();
    await this.#drain();
    let unspooled: Error | undefined;
    if (this.#pending.length > 0) {
      // The spool is failing (disk full?): after the spooled backlog, hand these straight to the database.
      const records = this.#pending.map((e) => e.record);
      try {
        await this.#withTimeout(this.#sink.write(records));
        this.#written += records.length;
        this.#pending = [];
        this.#pendingBytes = 0;
      } catch (error) {
        unspooled = new Error(
          `prediction log: ${records.length} records could be neither spooled nor written: ${this.#lastError ?? ''}; ${messageOf(error)}`,
          { cause: error },
        );
      }
    }
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(new LogClosedError());
    const caughtUp = this.#spool.ackOffset >= this.#end && this.#pending.length === 0;
    await this.#spool.close(caughtUp);
    if (unspooled !== undefined) throw unspooled;
  }

  #spoolBytes(): number {
    return this.#pendingBytes + this.#appendingBytes + (this.#end - this.#spool.ackOffset);
  }

  #appendPending(): Promise<void> {
    const run = this.#appendChain.then(() => this.#appendOnce());
    this.#appendChain = run.catch(() => undefined);
    return run;
  }

  async #appendOnce(): Promise<void> {
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    const bytes = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#appendingCount = batch.length;
    this.#appendingBytes = bytes;
    let data = '';
    for (const e of batch) data += e.line;
    let appended: number;
    try {
      appended = await this.#spool.append(data);
    } catch (error) {
      // Keep the records (in order, ahead of newer ones) and try again at the next interval.
      this.#pending = batch.concat(this.#pending);
      this.#pendingBytes += bytes;
      this.#spoolFailing = true;
      this.#lastError = messageOf(error);
      if (!this.#closed) {
        this.#timer ??= setTimeout(() => {
          this.#timer = undefined;
          void this.#appendPending();
        }, this.#flushIntervalMs);
      }
      return;
    } finally {
      this.#appendingCount = 0;
      this.#appendingBytes = 0;
    }
    // Only here, together with the in-memory window, does the writer learn of the new durable end, so the
    // window and the offsets the database path acknowledges always agree.
    this.#end += appended;
    this.#spoolFailing = false;
    this.#spooled += batch.length;
    this.#unackedLines += batch.length;
    if (
      this.#memoryMode &&
      this.#memory.length - this.#memoryHead + batch.length <= this.#memoryCap
    ) {
      for (const e of batch) {
        e.line = '';
        this.#memory.push(e);
      }
    } else {
      // Past the in-memory window: these are read back from the spool when the database catches up.
      this.#memoryMode = false;
    }
    void this.#drain();
  }

  #drain(): Promise<void> {
    this.#draining ??= this.#drainLoop().finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  async #drainLoop(): Promise<void> {
    while (!(this.#closed && Date.now() >= this.#deadline)) {
      try {
        if (!this.#migrated) {
          await this.#withTimeout(this.#sink.migrate());
          this.#migrated = true;
          this.#succeeded();
        }
        const batch = this.#batch ?? (await this.#nextBatch());
        if (batch === undefined) return;
        this.#batch = batch;
        if (batch.records.length > 0) await this.#withTimeout(this.#sink.write(batch.records));
        this.#batch = undefined;
        this.#acknowledge(batch);
        this.#succeeded();
      } catch (error) {
        this.#failed(error);
        // While closing, retries stop at the deadline: what is left stays in the spool for the next start.
        await this.#backoff();
      }
    }
  }

  async #nextBatch(): Promise<Batch | undefined> {
    const ack = this.#spool.ackOffset;
    const end = this.#end;
    if (ack >= end) return undefined;
    const inMemory = this.#memory.length - this.#memoryHead;
    if (inMemory > 0) {
      const n = Math.min(inMemory, this.#batchSize);
      const records: PredictionRecord[] = new Array<PredictionRecord>(n);
      let bytes = 0;
      for (let i = 0; i < n; i++) {
        const e = this.#memory[this.#memoryHead + i]!;
        records[i] = e.record;
        bytes += e.bytes;
      }
      return { records, lines: n, fromMemory: n, end: ack + bytes };
    }
    const read = await this.#spool.read(ack, this.#batchSize, end);
    if (read.next <= ack)
      throw new SpoolError(`spool read at byte ${ack} of ${this.#spool.dir} made no progress`);
    if (read.corrupt.length > 0) {
      this.#lastError = `skipped ${read.corrupt.length} unreadable spool line(s) at byte ${read.corrupt.join(', ')} of ${this.#spool.dir}`;
    }
    return { records: read.records, lines: read.lines, fromMemory: 0, end: read.next };
  }

  #acknowledge(batch: Batch): void {
    if (batch.fromMemory > 0) {
      for (let i = 0; i < batch.fromMemory; i++)
        this.#memory[this.#memoryHead + i] = undefined as unknown as EncodedRecord;
      this.#memoryHead += batch.fromMemory;
      if (this.#memoryHead === this.#memory.length) {
        this.#memory = [];
        this.#memoryHead = 0;
      } else if (this.#memoryHead > 4096 && this.#memoryHead * 2 > this.#memory.length) {
        this.#memory = this.#memory.slice(this.#memoryHead);
        this.#memoryHead = 0;
      }
    }
    this.#written += batch.records.length;
    this.#unackedLines -= batch.lines;
    this.#spool.acknowledge(batch.end);
    if (!this.#memoryMode && batch.end >= this.#end) this.#memoryMode = true;
    const ack = this.#spool.ackOffset;
    if (this.#waiters.length > 0) {
      const still: Waiter[] = [];
      for (const w of this.#waiters) {
        if (w.target <= ack) w.resolve();
        else still.push(w);
      }
      this.#waiters = still;
    }
  }

  #succeeded(): void {
    this.#failures = 0;
    this.#degraded = false;
  }

  #failed(error: unknown): void {
    this.#failures++;
    this.#writeFailures++;
    this.#degraded = true;
    this.#lastError = messageOf(error);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(error instanceof Error ? error : new Error(String(error)));
  }

  #backoff(): Promise<void> {
    const base = Math.min(this.#retryMaxDelayMs, 100 * 2 ** Math.min(this.#failures - 1, 10));
    const delay = Math.min(
      base * (0.8 + 0.4 * Math.random()),
      Math.max(0, this.#deadline - Date.now()),
    );
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      // Unref'd: a process that forgets close() may exit while the database is down; the spool keeps the rows.
      // While closing it stays ref'd: a caller awaiting close() must see it settle (by the deadline), not the
      // process exit under it (exit code 13, unsettled top-level await, when nothing else holds the loop).
      const timer = setTimeout(done, delay);
      if (!this.#closed) timer.unref();
      this.#wake = done;
    });
  }

  #withTimeout<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    // While closing, an unanswered write is abandoned at the deadline (it stays spooled; replay is idempotent).
    const ms = Math.max(1, Math.min(this.#writeTimeoutMs, this.#deadline - Date.now()));
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`sink did not answer within ${Math.round(ms)} ms`)),
        ms,
      );
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  #ping(): void {
    if (this.#draining !== undefined || !this.#migrated || this.#closed) return;
    this.#withTimeout(this.#sink.ping()).then(
      () => {
        if (this.#draining === undefined) this.#succeeded();
      },
      (error: unknown) => {
        this.#writeFailures++;
        this.#degraded = true;
        this.#lastError = messageOf(error);
      },
    );
  }
}

/**
 * Starts the writer: `enqueue` appends to a durable spool (fdatasync'd every `flushIntervalMs`), batches go
 * to the sink in order, failures are retried with backoff, and a previous process's spool is replayed first.
 * @example
 * const log = createPredictionLog({ sink: await createSink('sqlite:./data/log.db'), spoolDir: './data/spool' });
 * log.enqueue(record); // never waits for the database
 * await log.close();
 */
export function createPredictionLog(options: PredictionLogOptions): PredictionLog {
  return new SpoolingPredictionLog(options);
}
