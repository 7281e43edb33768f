/**
 * The prediction log: records of every prediction, written in batches to SQLite or MariaDB through a
 * durable local spool.
 * @example
 * import { createPredictionLog, createSink } from '@catserve/prediction-log';
 * const sink = await createSink('sqlite:./data/predictions.db');
 * const log = createPredictionLog({ sink, spoolDir: './data/spool' });
 * log.enqueue({ requestId: 'r-1', customerId: '42', features: { age: 30 }, prediction: 'Good',
 *   confidence: 0.87, elapsedMs: 1.2, modelVersion: 'v1', createdAt: new Date() });
 * await log.close(); // flushed: the row is in the database
 * await sink.close();
 */
export type { PredictionRecord } from './record.js';
export type { PredictionSink } from './sink.js';
export { MemorySink } from './memory-sink.js';
export { createSink, sinkIdentity, sinkKindOf, type CreateSinkOptions } from './create-sink.js';
export {
  createPredictionLog,
  type PredictionLog,
  type PredictionLogOptions,
  type PredictionLogStats,
} from './prediction-log.js';
export {
  InvalidRecordError,
  LogClosedError,
  SinkUrlError,
  SinkWriteError,
  SpoolError,
  SpoolFullError,
} from './errors.js';
export { RECORD_LIMITS } from './record-limits.js';
