/**
 * The catserve prediction server: REST compatible with the course's BentoML service, tRPC with a
 * typed client, OpenAPI + docs, Prometheus metrics, admin swaps, graceful shutdown, cluster workers.
 * @example
 * ```ts
 * import { resolveConfig, startServer, createClient } from '@catserve/server';
 * const server = await startServer(resolveConfig({ port: 0 }));
 * const client = createClient(server.url);
 * await client.predict.mutate({ data: row });
 * await server.shutdown();
 * ```
 */
export { createClient } from './client.js';
export type { AppRouter } from './trpc/router.js';
export { resolveConfig, DEFAULT_LIMITS, type ServeFlags, type ServerConfig, type ServerLimits } from './config.js';
export { startServer, type RunningServer, type ShutdownReport, type StartOptions } from './server.js';
export { serve } from './serve.js';
export { createOpenApiDocument } from './openapi.js';
export { toMicrosecondUtc } from './creation-time.js';
export { HttpError, ModelRefusedError, ConfigError, type ErrorBody, type FieldIssue } from './errors.js';
export { FeaturesSchema, FEATURE_NAMES, type Features } from './schema/features.js';
export {
  PredictRequestSchema,
  PredictBatchRequestSchema,
  PredictResponseSchema,
  MetadataResponseSchema,
  MAX_BATCH_ROWS,
  type PredictRequest,
  type PredictResponse,
  type PredictBatchResponse,
  type MetadataResponse,
  type HealthResponse,
  type SwapResponse,
} from './schema/api.js';
