import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SinkWriteError } from '../errors.js';
import type { PredictionRecord } from '../record.js';
import type { PredictionSink } from '../sink.js';
import { spoolLineOf } from '../spool-line.js';
import type { SinkOp, SinkReply, SinkRequest, WireError } from './wire.js';

// Longest `close()` waits for the driver to close its connections before the thread is stopped anyway.
const CLOSE_TIMEOUT_MS = 5000;

interface Pending {
  op: SinkOp;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

// From the sources (tests, `node --import tsx`) the thread's entry is TypeScript too. Node 20 does not apply
// the parent's `--import tsx` hooks to a worker's entry, so the worker registers tsx itself, then loads it.
function startThread(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./sink-thread.js', import.meta.url), { workerData });
  const tsxApi = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/index\.cjs$/, 'index.mjs');
  const entry = new URL('./sink-thread.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(pathToFileURL(tsxApi).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

function rebuild(wire: WireError): SinkWriteError {
  const cause = Object.assign(new Error(wire.cause?.message ?? wire.message), {
    name: wire.cause?.name ?? 'Error',
    ...(wire.cause?.code !== undefined ? { code: wire.cause.code } : {}),
  });
  return new SinkWriteError(wire.message, { cause });
}

class ThreadedSink implements PredictionSink {
  readonly #url: string;
  #worker: Worker | undefined;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(url: string) {
    this.#url = url;
  }

  migrate(): Promise<void> {
    return this.#call('migrate') as Promise<void>;
  }

  write(batch: readonly PredictionRecord[]): Promise<void> {
    if (batch.length === 0) return Promise.resolve();
    let lines = '';
    for (const r of batch) lines += spoolLineOf(r);
    return this.#call('write', lines) as Promise<void>;
  }

  count(): Promise<number> {
    return this.#call('count') as Promise<number>;
  }

  readAll(): Promise<PredictionRecord[]> {
    return this.#call('readAll') as Promise<PredictionRecord[]>;
  }

  ping(): Promise<void> {
    return this.#call('ping') as Promise<void>;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      const worker = this.#worker;
      if (worker === undefined) return;
      // The driver closes its connections in the thread; a database that hangs does not hold the caller.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.#send(worker, 'close').catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
      this.#worker = undefined;
      await worker.terminate();
    })();
    return this.#closing;
  }

  #call(op: SinkOp, lines?: string): Promise<unknown> {
    if (this.#closed) {
      return Promise.reject(
        new SinkWriteError(`${op} failed: the sink is closed`, {
          cause: new Error('sink is closed'),
        }),
      );
    }
    return this.#send(this.#worker ?? this.#spawn(), op, lines);
  }

  #send(worker: Worker, op: SinkOp, lines?: string): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      // A thread with a request in flight keeps the process alive, like a driver's socket would; an idle one does not.
      if (this.#pending.size === 0) worker.ref();
      this.#pending.set(id, { op, resolve, reject });
      worker.postMessage({
        id,
        op,
        ...(lines !== undefined ? { lines } : {}),
      } satisfies SinkRequest);
    });
  }

  #spawn(): Worker {
    const worker = startThread({ url: this.#url });
    worker.unref();
    worker.on('message', (reply: SinkReply) => {
      const pending = this.#pending.get(reply.id);
      if (pending === undefined) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if ('error' in reply) pending.reject(rebuild(reply.error));
      else pending.resolve(reply.value);
    });
    const fail = (why: string) => {
      if (this.#worker === worker) this.#worker = undefined;
      const pending = [...this.#pending.values()];
      this.#pending.clear();
      for (const p of pending) {
        p.reject(new SinkWriteError(`${p.op} failed: ${why}`, { cause: new Error(why) }));
      }
    };
    worker.on('error', (error) => fail(`the sink thread failed: ${error.message}`));
    worker.on('exit', (code) => fail(`the sink thread exited (code ${code})`));
    this.#worker = worker;
    return worker;
  }
}

/**
 * The sink for a log URL (as `createSink`), run in a worker thread: the driver's work (SQLite's
 * synchronous transactions and fsyncs, building and escaping MariaDB INSERTs) never blocks the caller's
 * event loop. Same contract as the direct sinks; the thread starts on first use and ends with `close()`.
 */
export function createThreadedSink(url: string): PredictionSink {
  return new ThreadedSink(url);
}
