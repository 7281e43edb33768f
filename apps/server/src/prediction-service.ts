import { randomUUID } from 'node:crypto';
import type { PredictionLog } from '@catserve/prediction-log';
import type { ActiveModel, LoadedModel } from './active-model.js';
import { HttpError } from './errors.js';
import type { ServerMetrics } from './metrics.js';
import type { PredictBatchResponse, PredictResponse } from './schema/api.js';
import type { Features } from './schema/features.js';

// Seconds a client should wait before retrying when the log spool is full.
const SPOOL_FULL_RETRY_AFTER_S = 30;

/** One answered prediction and the id of its log record. */
interface PredictOutcome {
  requestId: string;
  body: PredictResponse;
}

/** Predicts validated rows with the active model and hands each result to the prediction log. */
export interface PredictionService {
  predict(row: Features, startedAt?: number): PredictOutcome;
  predictBatch(rows: readonly Features[], startedAt?: number): { requestIds: string[]; body: PredictBatchResponse };
}

function activeOrThrow(model: ActiveModel): LoadedModel {
  const loaded = model.current;
  if (!loaded) throw new HttpError(503, 'NO_MODEL', 'no model is loaded', { headers: { 'retry-after': '5' } });
  return loaded;
}

function predictRow(loaded: LoadedModel, row: Features) {
  try {
    return loaded.version.predict(row);
  } catch (e) {
    // The zod schema already checked the row; a refusal here is still the input's fault.
    if ((e as { code?: unknown }).code === 'INPUT') {
      const feature = (e as { feature?: unknown }).feature;
      throw new HttpError(400, 'INVALID_INPUT', (e as Error).message, {
        issues: [{ field: typeof feature === 'string' ? `data.${feature}` : 'data', code: 'model_input', message: (e as Error).message }],
        cause: e,
      });
    }
    throw e;
  }
}

/** Creates the prediction service over the active model, the log and the metrics. */
export function createPredictionService(model: ActiveModel, log: PredictionLog, metrics: ServerMetrics): PredictionService {
  /** Logs one record per answered row, all or none (a refused batch leaves no row behind); returns their ids. */
  function record(loaded: LoadedModel, rows: readonly Features[], outs: readonly { class: string; confidence: number }[], startedAt: number): string[] {
    const elapsedMs = performance.now() - startedAt;
    const createdAt = new Date();
    const records = rows.map((row, i) => ({
      requestId: randomUUID(),
      customerId: String(row.customer_id),
      features: row,
      prediction: outs[i]!.class,
      confidence: outs[i]!.confidence,
      elapsedMs,
      modelVersion: loaded.version.version,
      createdAt,
    }));
    try {
      log.enqueueAll(records);
    } catch (e) {
      if ((e as { code?: unknown }).code === 'SPOOL_FULL') {
        throw new HttpError(
          503,
          'LOG_SPOOL_FULL',
          'the prediction log is full (database unreachable for too long); the prediction was not served so no log row is lost',
          { headers: { 'retry-after': String(SPOOL_FULL_RETRY_AFTER_S) }, cause: e },
        );
      }
      throw e;
    }
    for (const out of outs) metrics.predictions.inc({ class: out.class, model_version: loaded.version.version });
    return records.map((r) => r.requestId);
  }

  return {
    predict(row, startedAt = performance.now()) {
      const loaded = activeOrThrow(model);
      const out = predictRow(loaded, row);
      const requestId = record(loaded, [row], [out], startedAt)[0]!;
      return { requestId, body: { customer_id: row.customer_id, predict: out.class, confidence: out.confidence } };
    },
    predictBatch(rows, startedAt = performance.now()) {
      const loaded = activeOrThrow(model);
      const outs = rows.map((row) => predictRow(loaded, row));
      const requestIds = record(loaded, rows, outs, startedAt);
      const predictions = outs.map((out, i) => ({
        customer_id: rows[i]!.customer_id,
        predict: out.class,
        confidence: out.confidence,
        request_id: requestIds[i]!,
      }));
      return { requestIds, body: { model_version: loaded.version.version, predictions } };
    },
  };
}
