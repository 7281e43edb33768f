import type { PredictionLogStats } from '@catserve/prediction-log';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** A counter that mirrors a monotonic number read at scrape time. */
function mirrorCounter(name: string, help: string, read: () => number, registers: Registry[]): void {
  let seen = 0;
  new Counter({
    name,
    help,
    registers,
    collect() {
      const now = read();
      if (now > seen) this.inc(now - seen);
      seen = Math.max(seen, now);
    },
  });
}

/** What the metrics read at scrape time. */
export interface MetricSources {
  logStats(): PredictionLogStats;
  inFlight(): number;
  /** Longest event-loop stall since the last scrape, in ms. */
  worstLagMs(): number;
  modelVersion(): string | undefined;
  draining(): boolean;
}

/** The server's Prometheus metrics, registered in their own registry. */
export interface ServerMetrics {
  registry: Registry;
  requests: Counter<'route' | 'method' | 'status'>;
  duration: Histogram<'route'>;
  predictions: Counter<'class' | 'model_version'>;
  shed: Counter<'reason'>;
}

/** Creates the metrics; gauges read `sources` when scraped, so they are never stale. */
export function createMetrics(sources: MetricSources, options: { defaultMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'catserve_' });

  const requests = new Counter({
    name: 'catserve_http_requests_total',
    help: 'HTTP requests answered, by route, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'catserve_http_request_duration_seconds',
    help: 'Time from request start to the end of the response.',
    labelNames: ['route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const predictions = new Counter({
    name: 'catserve_predictions_total',
    help: 'Successful predictions, by predicted class and model version.',
    labelNames: ['class', 'model_version'] as const,
    registers,
  });
  const shed = new Counter({
    name: 'catserve_shed_requests_total',
    help: 'Requests refused with 503 + Retry-After to shed load, by reason.',
    labelNames: ['reason'] as const,
    registers,
  });
  new Gauge({
    name: 'catserve_in_flight_requests',
    help: 'Requests being handled now.',
    registers,
    collect() {
      this.set(sources.inFlight());
    },
  });
  new Gauge({
    name: 'catserve_event_loop_lag_max_seconds',
    help: 'Longest event-loop stall seen since the previous scrape (sampled every 50 ms).',
    registers,
    aggregator: 'max',
    collect() {
      this.set(sources.worstLagMs() / 1000);
    },
  });
  new Gauge({
    name: 'catserve_prediction_log_queue_depth',
    help: 'Prediction records accepted but not yet acknowledged by the database (in memory or in the spool).',
    registers,
    collect() {
      this.set(sources.logStats().queued);
    },
  });
  new Gauge({
    name: 'catserve_prediction_log_spool_backlog_bytes',
    help: 'Bytes of spooled records the database has not acknowledged yet (counted against the spool limit).',
    registers,
    collect() {
      this.set(sources.logStats().spoolBytes);
    },
  });
  mirrorCounter(
    'catserve_prediction_log_spooled_total',
    'Prediction records made durable in the local spool.',
    () => sources.logStats().spooled,
    registers,
  );
  mirrorCounter(
    'catserve_prediction_log_written_total',
    'Prediction records acknowledged by the database (replayed ones included).',
    () => sources.logStats().written,
    registers,
  );
  mirrorCounter(
    'catserve_prediction_log_write_failures_total',
    'Failed prediction-log database operations (writes, pings); the records stay in the spool.',
    () => sources.logStats().writeFailures,
    registers,
  );
  new Gauge({
    name: 'catserve_prediction_log_degraded',
    help: '1 while the prediction-log database is unavailable and records go to the spool.',
    registers,
    aggregator: 'max',
    collect() {
      this.set(sources.logStats().degraded ? 1 : 0);
    },
  });
  new Gauge({
    name: 'catserve_draining',
    help: '1 while the server shuts down gracefully.',
    registers,
    aggregator: 'max',
    collect() {
      this.set(sources.draining() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'catserve_model_info',
    help: 'The served model version (value 1).',
    labelNames: ['model_version'] as const,
    registers,
    aggregator: 'max',
    collect() {
      this.reset();
      const v = sources.modelVersion();
      if (v !== undefined) this.set({ model_version: v }, 1);
    },
  });
  return { registry, requests, duration, predictions, shed };
}
