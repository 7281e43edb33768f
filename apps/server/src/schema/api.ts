import * as z from 'zod';
import { FeaturesSchema } from './features.js';

/** Most rows one `/predict_batch` call may carry. */
export const MAX_BATCH_ROWS = 1000;

/** `POST /predict` body, as the course's BentoML service takes it. */
export const PredictRequestSchema = z
  .strictObject({ data: FeaturesSchema })
  .meta({ id: 'PredictRequest', description: 'The course\'s request shape: {"data": {...23 fields}}.' });

/** `POST /predict_batch` body. */
export const PredictBatchRequestSchema = z
  .strictObject({
    data: z
      .array(FeaturesSchema, { error: (i) => (i.input === undefined ? 'is required' : 'must be an array of rows') })
      .min(1, { error: 'must hold at least one row' })
      .max(MAX_BATCH_ROWS, { error: `must hold at most ${MAX_BATCH_ROWS} rows` }),
  })
  .meta({ id: 'PredictBatchRequest' });

const ClassName = z.string().meta({ description: 'The predicted class: Good, Standard or Poor.', examples: ['Standard'] });
const Confidence = z.number().meta({ description: "The winning class's probability.", examples: [0.87] });

/** `POST /predict` answer (the course's `Response`). */
export const PredictResponseSchema = z
  .object({ customer_id: FeaturesSchema.shape.customer_id, predict: ClassName, confidence: Confidence })
  .meta({ id: 'PredictResponse' });

/** `POST /predict_batch` answer: one entry per input row, in order. */
export const PredictBatchResponseSchema = z
  .object({
    model_version: z.string(),
    predictions: z.array(
      z.object({
        customer_id: FeaturesSchema.shape.customer_id,
        predict: ClassName,
        confidence: Confidence,
        request_id: z.string().meta({ description: 'The id of this row in the prediction log.' }),
      }),
    ),
  })
  .meta({ id: 'PredictBatchResponse' });

/** `GET|POST /metadata` answer: the course's four fields plus what the server knows of the model. */
export const MetadataResponseSchema = z
  .object({
    model_name: z.string(),
    model_version: z.string(),
    params: z.record(z.string(), z.unknown()).meta({ description: 'CatBoost training parameters.' }),
    creation_time: z.string().meta({
      description: 'UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ` (Python `%Y-%m-%dT%H:%M:%S.%fZ`).',
      examples: ['2026-12-03T16:15:00.123456Z'],
    }),
    metrics: z.record(z.string(), z.unknown()),
    features: z.array(z.record(z.string(), z.unknown())),
    class_names: z.array(z.string()),
    artifacts: z.record(z.string(), z.unknown()).meta({ description: 'sha256 and size of each artifact file.' }),
    golden: z
      .object({ rows: z.number(), worst_abs_diff: z.number(), mismatches: z.number() })
      .meta({ description: 'Golden-row parity of the served model, checked when it was loaded.' }),
    loaded_at: z.string(),
    previous_version: z.string().nullable(),
  })
  .meta({ id: 'MetadataResponse' });

/** `GET /healthz`, `/livez`, `/readyz` answer. */
export const HealthResponseSchema = z
  .object({
    status: z.enum(['ok', 'ready', 'not_ready', 'draining']),
    model_version: z.string().nullable(),
    log: z.object({
      ready: z.boolean(),
      queued: z.number().meta({ description: 'Records not yet acknowledged by the database.' }),
      spool_bytes: z.number().meta({ description: 'Bytes of unacknowledged records in the durable spool.' }),
      written: z.number(),
      write_failures: z.number(),
      degraded: z.boolean(),
    }),
    reasons: z.array(z.string()).optional(),
  })
  .meta({ id: 'HealthResponse' });

/** Every error answer: a stable code, a sentence, and one entry per bad field for validation errors. */
export const ErrorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ examples: ['INVALID_INPUT'] }),
      message: z.string(),
      issues: z
        .array(z.object({ field: z.string(), code: z.string(), message: z.string() }))
        .optional(),
    }),
  })
  .meta({ id: 'ErrorResponse' });

/** `POST /admin/models` body. */
export const DeployRequestSchema = z
  .strictObject({
    version: z.string().min(1).max(128).meta({ description: 'A version folder name listed by the registry.' }),
  })
  .meta({ id: 'DeployRequest' });

/** `POST /admin/models` and `/admin/rollback` answer. */
export const SwapResponseSchema = z
  .object({
    previous: z.string().nullable(),
    current: z.string(),
    golden: z.object({ rows: z.number(), worst_abs_diff: z.number(), mismatches: z.number() }),
  })
  .meta({ id: 'SwapResponse' });

export type PredictRequest = z.infer<typeof PredictRequestSchema>;
export type PredictResponse = z.infer<typeof PredictResponseSchema>;
export type PredictBatchResponse = z.infer<typeof PredictBatchResponseSchema>;
export type MetadataResponse = z.infer<typeof MetadataResponseSchema>;
export type HealthResponse = z.infer<typeof HealthResponseSchema>;
export type SwapResponse = z.infer<typeof SwapResponseSchema>;
