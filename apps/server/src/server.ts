import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { createPredictionLog, createSink, type PredictionLog, type PredictionSink } from '@catserve/prediction-log';
import { ActiveModel, type LoadedModel } from './active-model.js';
import { createRequestListener } from './app.js';
import { redactUrl, type ServerConfig, type ServerLimits } from './config.js';
import { LoadShedder } from './load-shedder.js';
import { errorMessage, logEvent } from './logger.js';
import { createMetrics } from './metrics.js';
import { createLocalModelControl, type LocalModelControl, type ModelControl } from './model-control.js';
import { loadCheckedVersion, resolveStartupVersion } from './model-loader.js';
import { watchLogHealth } from './log-health.js';
import { createOpenApiDocument } from './openapi.js';
import { createPredictionService } from './prediction-service.js';
import { createAppServices, type ServerState } from './services.js';
import { prepareSpoolDir } from './spool-dir.js';

/** Options for embedding the server (tests, cluster workers). */
export interface StartOptions {
  /** Version folder to serve (the cluster primary resolves it once for every worker). */
  modelDir?: string;
  /** Version folder to offer as the rollback target. */
  previousDir?: string;
  /** Names this process's spool files (cluster workers pass their slot, so a restarted worker's files are told apart). */
  workerId?: string;
  /** Prediction-log writer tuning (see @catserve/prediction-log). */
  log?: { flushIntervalMs?: number; batchSize?: number; spoolLimitBytes?: number };
  /** Replaces single fields of config.limits. */
  limits?: Partial<ServerLimits>;
  /** Wraps the local model control (cluster workers coordinate swaps through the primary). */
  control?: (local: LocalModelControl) => ModelControl;
  metricsText?: () => Promise<string>;
  /** Adds Node's process metrics to /metrics (default true). */
  defaultMetrics?: boolean;
}

/** What a graceful shutdown did. */
export interface ShutdownReport {
  /** Requests this process received over its lifetime (all answered unless `abandoned` > 0). */
  requests: number;
  /** Requests still unanswered when the shutdown timeout forced sockets closed (0 normally). */
  abandoned: number;
  /** `queued` > 0 means records stayed in the spool (replayed at the next start). */
  log: { written: number; queued: number };
}

/** A started server. */
export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  model: ActiveModel;
  log: PredictionLog;
  control: LocalModelControl;
  state: ServerState;
  metricsRegistry: Registry;
  /** Readiness 503, stop accepting, finish in-flight requests, flush the log. Idempotent. */
  shutdown(): Promise<ShutdownReport>;
}

// Longest a start waits for the log database's first answer (a blackholed host: the driver's connect timeout).
const LOG_FIRST_ANSWER_WAIT_MS = 5000;

async function logAnswered(log: PredictionLog, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!log.ready() && !log.stats().degraded && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Loads and checks the model, opens the prediction log, and listens. The log database need not be up: the
 * writer migrates and writes in the background (retrying), records wait in the spool, and /readyz says so.
 * @throws {ModelRefusedError} when no model can serve; SinkUrlError for a log URL that cannot work; spool errors.
 */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const limits: ServerLimits = { ...config.limits, ...options.limits };
  const ref = { registry: config.registry, name: config.name };
  const dir = options.modelDir ?? (await resolveStartupVersion(ref, config.model));
  const loaded = await loadCheckedVersion(dir);
  let previous: LoadedModel | undefined;
  if (options.previousDir) {
    previous = await loadCheckedVersion(options.previousDir).catch((e: unknown) => {
      logEvent('warn', 'previous_model_unavailable', { dir: options.previousDir, message: errorMessage(e) });
      return undefined;
    });
  }
  const model = new ActiveModel(loaded, previous);

  mkdirSync(config.dataDir, { recursive: true });
  let sink: PredictionSink;
  try {
    // In a worker thread: no database work (SQLite transactions and fsyncs, INSERT building) on the event loop.
    sink = await createSink(config.logDb, { thread: true });
  } catch (e) {
    throw new Error(`cannot open the prediction log ${redactUrl(config.logDb)}: ${errorMessage(e)}`, { cause: e });
  }
  const log = createPredictionLog({
    sink,
    spoolDir: prepareSpoolDir(config.dataDir, config.logDb),
    spoolLimitBytes: config.spoolLimitBytes,
    ...(options.workerId !== undefined ? { workerId: options.workerId } : {}),
    ...options.log,
  });
  const logHealth = watchLogHealth(log);
  // Listen once the log's database has answered its first migration, either way (or after a few seconds): so a
  // server whose database is up is ready when it listens, and one whose database is down still starts.
  await logAnswered(log, LOG_FIRST_ANSWER_WAIT_MS);

  const state: ServerState = { draining: false };
  const shedder = new LoadShedder(limits.maxInFlight, limits.maxEventLoopLagMs);
  shedder.start();
  const metrics = createMetrics(
    {
      logStats: () => log.stats(),
      inFlight: () => shedder.inFlight,
      worstLagMs: () => shedder.takeWorstLagMs(),
      modelVersion: () => model.current?.version.version,
      draining: () => state.draining,
    },
    { defaultMetrics: options.defaultMetrics ?? true },
  );
  const predictions = createPredictionService(model, log, metrics);
  const services = createAppServices({ model, log, predictions, state });
  const local = createLocalModelControl(model, ref);
  const control = options.control ? options.control(local) : local;
  const listener = createRequestListener({
    services,
    metrics,
    shedder,
    state,
    limits,
    openapi: createOpenApiDocument({ admin: config.adminToken !== undefined }),
    ...(config.adminToken !== undefined ? { admin: { token: config.adminToken, control } } : {}),
    ...(options.metricsText ? { metricsText: options.metricsText } : {}),
  });

  let begun = 0;
  let open = 0;
  const server = createServer((req, res) => {
    begun += 1;
    open += 1;
    res.once('close', () => (open -= 1));
    listener(req, res);
  });
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.on('clientError', (err, socket) => {
    const code = (err as { code?: string }).code;
    if (code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = JSON.stringify({ error: { code: 'BAD_HTTP', message: 'malformed or incomplete HTTP request' } });
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let shutdownPromise: Promise<ShutdownReport> | undefined;
  const shutdown = (): Promise<ShutdownReport> => {
    shutdownPromise ??= (async () => {
      state.draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        closed.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), limits.shutdownTimeoutMs))),
      ]);
      clearTimeout(timer);
      const abandoned = timedOut ? open : 0;
      if (timedOut) server.closeAllConnections();
      shedder.stop();
      logHealth.stop();
      try {
        await log.close();
      } catch (e) {
        logEvent('error', 'log_close_failed', { message: errorMessage(e) });
      }
      await sink.close().catch((e: unknown) => logEvent('error', 'sink_close_failed', { message: errorMessage(e) }));
      const stats = log.stats();
      return { requests: begun, abandoned, log: { written: stats.written, queued: stats.queued } };
    })();
    return shutdownPromise;
  };

  return { url, port: address.port, server, model, log, control: local, state, metricsRegistry: metrics.registry, shutdown };
}
