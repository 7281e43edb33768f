import { parentPort, workerData } from 'node:worker_threads';
import { createSink, sinkKindOf } from '../create-sink.js';
import type { PredictionSink } from '../sink.js';
import { recordsOfLines, toWireError, type SinkReply, type SinkRequest } from './wire.js';

// The body of a threaded sink: the real SQLite or MariaDB sink, driven by messages from the writer's thread.
// better-sqlite3 blocks its thread for a whole transaction (and its fsync); here that thread is not the
// one answering HTTP requests.

// Here a lock wait blocks only this thread, so it may be much longer than on an event loop.
const SQLITE_BUSY_TIMEOUT_MS = 5000;

const { url } = workerData as { url: string };
const port = parentPort!;

async function open(): Promise<PredictionSink> {
  if (sinkKindOf(url) === 'sqlite') {
    const { createSqliteSink } = await import('../sqlite/index.js');
    return createSqliteSink(url, { busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS });
  }
  return createSink(url);
}

const opened = open();

async function run(sink: PredictionSink, request: SinkRequest): Promise<unknown> {
  switch (request.op) {
    case 'migrate':
      return sink.migrate();
    case 'write':
      return sink.write(recordsOfLines(request.lines ?? ''));
    case 'count':
      return sink.count();
    case 'readAll':
      return sink.readAll ? sink.readAll() : [];
    case 'ping':
      return sink.ping();
    case 'close':
      return sink.close();
  }
}

port.on('message', (request: SinkRequest) => {
  opened
    .then((sink) => run(sink, request))
    .then(
      (value) => port.postMessage({ id: request.id, value } satisfies SinkReply),
      (error: unknown) =>
        port.postMessage({ id: request.id, error: toWireError(error) } satisfies SinkReply),
    );
});
