import type { PredictionLog } from '@catserve/prediction-log';
import type { ActiveModel, LoadedModel } from './active-model.js';
import { toMicrosecondUtc } from './creation-time.js';
import { HttpError } from './errors.js';
import type { PredictionService } from './prediction-service.js';
import type { HealthResponse, MetadataResponse } from './schema/api.js';

/** Lifecycle flags shared by the HTTP layer and the services. */
export interface ServerState {
  draining: boolean;
}

/** Everything a transport (REST or tRPC) calls. */
export interface AppServices {
  predictions: PredictionService;
  /** @throws {HttpError} 503 when no model is loaded. */
  metadata(): MetadataResponse;
  health(kind: 'live' | 'ready'): { ok: boolean; body: HealthResponse };
}

const asRecord = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function describeModel(loaded: LoadedModel, previous: LoadedModel | undefined): MetadataResponse {
  const { version } = loaded;
  const meta = asRecord(version.metadata);
  return {
    model_name: typeof meta.model_name === 'string' ? meta.model_name : version.name,
    model_version: version.version,
    params: asRecord(meta.params),
    creation_time: toMicrosecondUtc(version.creationTime),
    metrics: asRecord(meta.metrics),
    features: Array.isArray(meta.features) ? (meta.features as Record<string, unknown>[]) : [],
    class_names: Array.isArray(meta.class_names) ? (meta.class_names as string[]) : [],
    artifacts: asRecord(meta.artifacts),
    golden: { rows: loaded.golden.rows, worst_abs_diff: loaded.golden.worstAbsDiff, mismatches: loaded.golden.mismatches },
    loaded_at: loaded.loadedAt.toISOString(),
    previous_version: previous?.version.version ?? null,
  };
}

/** Creates the transport-independent services. */
export function createAppServices(deps: {
  model: ActiveModel;
  log: PredictionLog;
  predictions: PredictionService;
  state: ServerState;
}): AppServices {
  const { model, log, state } = deps;
  let cached: { loaded: LoadedModel; previous: LoadedModel | undefined; body: MetadataResponse } | undefined;
  return {
    predictions: deps.predictions,
    metadata() {
      const loaded = model.current;
      if (!loaded) throw new HttpError(503, 'NO_MODEL', 'no model is loaded', { headers: { 'retry-after': '5' } });
      const previous = model.previous;
      if (cached?.loaded !== loaded || cached.previous !== previous) {
        cached = { loaded, previous, body: describeModel(loaded, previous) };
      }
      return cached.body;
    },
    health(kind) {
      const stats = log.stats();
      const logReady = log.ready();
      const version = model.current?.version.version ?? null;
      const logBody = {
        ready: logReady,
        queued: stats.queued,
        spool_bytes: stats.spoolBytes,
        written: stats.written,
        write_failures: stats.writeFailures,
        degraded: stats.degraded,
      };
      if (kind === 'live') {
        return { ok: true, body: { status: state.draining ? 'draining' : 'ok', model_version: version, log: logBody } };
      }
      const reasons: string[] = [];
      if (version === null) reasons.push('no model is loaded');
      if (!logReady) reasons.push(`the prediction log does not accept writes${stats.lastError ? ` (${stats.lastError})` : ''}`);
      if (state.draining) reasons.push('the server is shutting down');
      const ok = reasons.length === 0;
      return {
        ok,
        body: {
          status: ok ? 'ready' : state.draining ? 'draining' : 'not_ready',
          model_version: version,
          log: logBody,
          ...(ok ? {} : { reasons }),
        },
      };
    },
  };
}
