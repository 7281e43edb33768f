import { randomUUID } from 'node:crypto';
import type { PredictionLog } from '@catserve/prediction-log';
import type { ActiveModel, LoadedModel } from './active-model.js';
import { HttpError } from './errors.js';
import type { ServerMetrics } from './metrics.js';
import type { PredictBatchResponse, PredictResponse } from './schema/api.js';
import type { Features } from './schema/features.js';

/** Seconds a client should wait before retrying when the log spool is full. */
export const SPOOL_FULL_RETRY_AFTER_S = 30;

/** One answered prediction and the id of its log record. */
export interface PredictOutcome {
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
  function record(loaded: LoadedModel, row: Features, out: { class: string; confidence: number }, startedAt: number): string {
    const requestId = randomUUID();
    try {
      log.enqueue({
        requestId,
        customerId: String(row.customer_id),
        features: row,
        prediction: out.class,
        confidence: out.confidence,
        elapsedMs: performance.now() - startedAt,
        modelVersion: loaded.version.version,
        createdAt: new Date(),
      });
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
    metrics.predictions.inc({ class: out.class, model_version: loaded.version.version });
    return requestId;
  }

  return {
    predict(row, startedAt = performance.now()) {
      const loaded = activeOrThrow(model);
      const out = predictRow(loaded, row);
      const requestId = record(loaded, row, out, startedAt);
      return { requestId, body: { customer_id: row.customer_id, predict: out.class, confidence: out.confidence } };
    },
    predictBatch(rows, startedAt = performance.now()) {
      const loaded = activeOrThrow(model);
      const outs = rows.map((row) => predictRow(loaded, row));
      const requestIds: string[] = [];
      const predictions = outs.map((out, i) => {
        const row = rows[i]!;
        const requestId = record(loaded, row, out, startedAt);
        requestIds.push(requestId);
        return { customer_id: row.customer_id, predict: out.class, confidence: out.confidence, request_id: requestId };
      });
      return { requestIds, body: { model_version: loaded.version.version, predictions } };
    },
  };
}
