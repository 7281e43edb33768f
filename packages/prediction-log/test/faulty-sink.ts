import type { PredictionRecord, PredictionSink } from '../src/index.js';

/**
 * Wraps a real sink and injects failures: `down` makes every call fail before reaching it (database
 * unreachable); `failAfterCommit` lets the next N writes commit and then reports failure (lost ack).
 * Records each write's batch so tests can check batching and order.
 */
export class FaultySink implements PredictionSink {
  down = false;
  failAfterCommit = 0;
  /** When set, writes wait for this promise (a database that hangs). */
  gate: Promise<void> | undefined;
  readonly batches: string[][] = [];
  attempts = 0;

  constructor(readonly inner: PredictionSink) {}

  migrate(): Promise<void> {
    return this.down
      ? Promise.reject(new Error('connect ECONNREFUSED (injected)'))
      : this.inner.migrate();
  }

  async write(batch: readonly PredictionRecord[]): Promise<void> {
    this.attempts++;
    if (this.gate !== undefined) await this.gate;
    if (this.down) throw new Error('connect ECONNREFUSED (injected)');
    await this.inner.write(batch);
    this.batches.push(batch.map((r) => r.requestId));
    if (this.failAfterCommit > 0) {
      this.failAfterCommit--;
      throw new Error('connection lost after commit (injected)');
    }
  }

  count(): Promise<number> {
    return this.inner.count();
  }

  readAll(): Promise<PredictionRecord[]> {
    return this.inner.readAll!();
  }

  ping(): Promise<void> {
    return this.down
      ? Promise.reject(new Error('connect ECONNREFUSED (injected)'))
      : this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
