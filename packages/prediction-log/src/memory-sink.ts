import { SinkWriteError } from './errors.js';
import { featuresJsonOf } from './features-json.js';
import type { PredictionRecord } from './record.js';
import type { PredictionSink } from './sink.js';

/**
 * A PredictionSink that keeps rows in memory, with the same semantics as the SQL sinks
 * (idempotent on requestId, features round-tripped through JSON).
 */
export class MemorySink implements PredictionSink {
  readonly #rows: PredictionRecord[] = [];
  readonly #ids = new Set<string>();
  #closed = false;

  migrate(): Promise<void> {
    return this.#closed ? Promise.reject(this.#closedError('migrate')) : Promise.resolve();
  }

  write(batch: readonly PredictionRecord[]): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closedError('write'));
    for (const r of batch) {
      if (this.#ids.has(r.requestId)) continue;
      this.#ids.add(r.requestId);
      this.#rows.push({
        requestId: r.requestId,
        customerId: r.customerId,
        features: JSON.parse(featuresJsonOf(r)) as Record<string, unknown>,
        prediction: r.prediction,
        confidence: r.confidence,
        elapsedMs: r.elapsedMs,
        modelVersion: r.modelVersion,
        createdAt: new Date(r.createdAt.getTime()),
      });
    }
    return Promise.resolve();
  }

  count(): Promise<number> {
    return this.#closed
      ? Promise.reject(this.#closedError('count'))
      : Promise.resolve(this.#rows.length);
  }

  readAll(): Promise<PredictionRecord[]> {
    if (this.#closed) return Promise.reject(this.#closedError('readAll'));
    return Promise.resolve(
      this.#rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt.getTime()) })),
    );
  }

  ping(): Promise<void> {
    return this.#closed ? Promise.reject(this.#closedError('ping')) : Promise.resolve();
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #closedError(op: string): SinkWriteError {
    return new SinkWriteError(`memory sink ${op} failed: sink is closed`, {
      cause: new Error('sink is closed'),
    });
  }
}
