import type { PredictionRecord } from './record.js';

/** Where prediction records end up: one implementation per database, plus MemorySink. */
export interface PredictionSink {
  /** Creates or upgrades the log table (drizzle-kit migrations); safe to call repeatedly and from several processes. */
  migrate(): Promise<void>;
  /** Inserts the batch in order; a record whose requestId is already stored is skipped (idempotent). */
  write(batch: readonly PredictionRecord[]): Promise<void>;
  count(): Promise<number>;
  /** Every stored record in insertion order (for tests and small tables). */
  readAll?(): Promise<PredictionRecord[]>;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
