import * as z from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import {
  DeployRequestSchema,
  ErrorResponseSchema,
  HealthResponseSchema,
  MAX_BATCH_ROWS,
  MetadataResponseSchema,
  PredictBatchRequestSchema,
  PredictBatchResponseSchema,
  PredictRequestSchema,
  PredictResponseSchema,
  SwapResponseSchema,
} from './schema/api.js';

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const retryAfter = z.object({ 'retry-after': z.string().meta({ description: 'Seconds to wait before retrying.' }) });

function error(description: string, headers?: z.ZodObject) {
  return { description, content: json(ErrorResponseSchema), ...(headers ? { headers } : {}) };
}

const OVERLOAD = error(
  'Shed load (too many requests in flight or the event loop lags), no model, or the prediction-log spool is full. Retry after `Retry-After` seconds.',
  retryAfter,
);

const PREDICT_ERRORS: ZodOpenApiResponsesObject = {
  '400': error('Malformed JSON, or one entry per bad field in `error.issues`.'),
  '413': error('Body over the size limit.'),
  '415': error('Content-Type is not application/json.'),
  '503': OVERLOAD,
};

const health = (summary: string, ready: boolean): ZodOpenApiOperationObject => ({
  summary,
  tags: ['health'],
  responses: {
    '200': { description: ready ? 'Ready.' : 'Alive.', content: json(HealthResponseSchema) },
    ...(ready ? { '503': { description: 'Not ready (no model, log sink down, or draining).', content: json(HealthResponseSchema) } } : {}),
  },
});

const metadata = (method: 'GET' | 'POST'): ZodOpenApiOperationObject => ({
  summary: `The served model (${method}; the course's DAG uses POST)`,
  tags: ['model'],
  ...(method === 'POST'
    ? { requestBody: { required: false, description: 'Ignored.', content: json(z.unknown()) } }
    : {}),
  responses: {
    '200': { description: 'Model metadata.', content: json(MetadataResponseSchema) },
    ...(method === 'POST' ? { '413': error('Body over the size limit.') } : {}),
    '503': OVERLOAD,
  },
});

/** The OpenAPI 3.1 document of the REST routes, generated from the same zod schemas that validate them. */
export function createOpenApiDocument(options: { admin: boolean; version?: string }): Record<string, unknown> {
  const admin = {
    '/admin/models': {
      post: {
        summary: 'Load a listed version, check its golden rows, swap it in atomically',
        tags: ['admin'],
        security: [{ bearer: [] }],
        requestBody: { required: true, content: json(DeployRequestSchema) },
        responses: {
          '200': { description: 'Swapped.', content: json(SwapResponseSchema) },
          '400': error('Malformed body.'),
          '401': error('Missing or wrong bearer token.'),
          '409': error('That version is already serving, or another swap is running.'),
          '413': error('Body over the size limit.'),
          '415': error('Content-Type is not application/json.'),
          '422': error('Refused: unknown or invalid version, schema or golden mismatch. The old model keeps serving.'),
          '503': OVERLOAD,
        },
      },
    },
    '/admin/rollback': {
      post: {
        summary: 'Serve the previous version again',
        tags: ['admin'],
        security: [{ bearer: [] }],
        responses: {
          '200': { description: 'Rolled back.', content: json(SwapResponseSchema) },
          '401': error('Missing or wrong bearer token.'),
          '409': error('No previous version to roll back to.'),
          '413': error('Body over the size limit.'),
          '503': OVERLOAD,
        },
      },
    },
  };

  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'catserve',
      version: options.version ?? '0.1.0',
      description:
        'Credit-score classification (CatBoost, evaluated in TypeScript). REST compatible with the course\'s BentoML service; the same operations are tRPC procedures at `/trpc`.',
    },
    ...(options.admin ? { components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } } : {}),
    paths: {
      '/predict': {
        post: {
          summary: 'Predict one customer',
          tags: ['predict'],
          requestBody: { required: true, content: json(PredictRequestSchema) },
          responses: {
            '200': {
              description: 'The predicted class and its probability.',
              headers: z.object({ 'x-request-id': z.string().meta({ description: 'Id of the prediction-log row.' }) }),
              content: json(PredictResponseSchema),
            },
            ...PREDICT_ERRORS,
          },
        },
      },
      '/predict_batch': {
        post: {
          summary: `Predict up to ${MAX_BATCH_ROWS} customers`,
          tags: ['predict'],
          requestBody: { required: true, content: json(PredictBatchRequestSchema) },
          responses: {
            '200': { description: 'One prediction per row, in order.', content: json(PredictBatchResponseSchema) },
            ...PREDICT_ERRORS,
          },
        },
      },
      '/metadata': { get: metadata('GET'), post: metadata('POST') },
      '/healthz': { get: health('Liveness (alias of /livez; the course\'s DAG calls it)', false) },
      '/livez': { get: health('Liveness', false) },
      '/readyz': { get: health('Readiness: a model is loaded, the log sink accepts writes, not draining', true) },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          tags: ['health'],
          responses: { '200': { description: 'Prometheus text format.', content: { 'text/plain': { schema: z.string() } } } },
        },
      },
      ...(options.admin ? admin : {}),
    },
  }) as unknown as Record<string, unknown>;
}
