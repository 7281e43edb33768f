import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerSettings } from '../options.js';
import { CACHE_DIR } from '../paths.js';
import { progress } from '../progress.js';
import { runClosedLoop, type ClosedLoopResult } from './closed-loop.js';
import { launchServer } from './launch.js';
import { runOpenLoop, type OpenLoopWindow } from './open-loop.js';
import type { Payload } from './payloads.js';
import { searchRate, type RateSearch } from './rate-search.js';
import { probeSaturation, type SaturationProbe } from './saturation.js';
import { countLogRows, createScratchDatabase } from './scratch-db.js';
import type { ErrorTally } from './tally.js';

/** One server setup: log database and worker count. */
export interface ServerConfig {
  label: string;
  db: 'mariadb' | 'sqlite';
  workers: number;
}

/**
 * Every request answered 200 must appear once in the log table after the drain. Requests the client gave up
 * on (timeouts, broken connections) may or may not have been served, so they widen the accepted range.
 */
interface LogCheck {
  okResponses: number;
  unknownOutcome: number;
  rows: number | null;
  ok: boolean;
  error?: string;
}

interface ServerRunBase {
  config: ServerConfig;
  logDb: string;
  stop: { code: number | null; signal: string | null; ms: number } | null;
  log: LogCheck;
  error?: string;
}

export interface OpenLoopRun extends ServerRunBase {
  probe: SaturationProbe | null;
  search: RateSearch | null;
}

export interface ClosedLoopRun extends ServerRunBase {
  closedLoop: ClosedLoopResult | null;
}

interface Context {
  registry: string;
  model: string;
  mariadbUrl: string | undefined;
  keepDatabases: boolean;
}

async function withServer<T>(
  config: ServerConfig,
  ctx: Context,
  body: (
    target: { host: string; port: number },
    count: (ok: number, errors: ErrorTally) => void,
  ) => Promise<T>,
): Promise<{ result: T | null; base: ServerRunBase }> {
  const dataDir = mkdtempSync(join(tmpdir(), `catserve-bench-${config.label}-`));
  let logDb = `sqlite:${join(dataDir, 'predictions.db')}`;
  let drop: (() => Promise<void>) | undefined;
  let okResponses = 0;
  let unknownOutcome = 0;
  const base: ServerRunBase = {
    config,
    logDb: config.db,
    stop: null,
    log: { okResponses: 0, unknownOutcome: 0, rows: null, ok: false },
  };
  let result: T | null = null;
  try {
    if (config.db === 'mariadb') {
      const scratch = await createScratchDatabase(ctx.mariadbUrl!, config.label);
      logDb = scratch.url;
      drop = () => scratch.drop();
      progress(`  ${config.label}: scratch database ${scratch.name}`);
    }
    base.logDb = logDb.replace(/\/\/[^@/]*@/, '//***@');
    const server = await launchServer({
      label: config.label,
      registry: ctx.registry,
      model: ctx.model,
      logDb,
      dataDir,
      workers: config.workers,
      logDir: CACHE_DIR,
    });
    progress(
      `  ${config.label}: catserve serve pid ${server.pid} on port ${server.port} (${config.workers} worker${config.workers > 1 ? 's' : ''}, log ${server.logFile})`,
    );
    try {
      result = await body(server, (ok, errors) => {
        okResponses += ok;
        unknownOutcome +=
          errors.timeouts + Object.values(errors.connection).reduce((a, b) => a + b, 0);
      });
    } catch (e) {
      base.error = (e as Error).message;
      progress(`  ${config.label}: ${base.error}`);
    } finally {
      base.stop = await server.stop();
      progress(
        `  ${config.label}: server stopped in ${base.stop.ms.toFixed(0)} ms (exit ${base.stop.code ?? base.stop.signal})`,
      );
    }
    try {
      const rows = await countLogRows(logDb);
      base.log = {
        okResponses,
        unknownOutcome,
        rows,
        ok: rows >= okResponses && rows <= okResponses + unknownOutcome,
      };
    } catch (e) {
      base.log = {
        okResponses,
        unknownOutcome,
        rows: null,
        ok: false,
        error: (e as Error).message,
      };
    }
    const unknown = unknownOutcome > 0 ? ` (+ up to ${unknownOutcome} the client gave up on)` : '';
    progress(
      `  ${config.label}: ${base.log.rows ?? '?'} log rows for ${okResponses} requests answered 200${unknown}${base.log.ok ? '' : ' — MISMATCH'}`,
    );
  } catch (e) {
    base.error = (e as Error).message;
    progress(`  ${config.label}: ${base.error}`);
  } finally {
    if (drop && !ctx.keepDatabases) await drop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { result, base };
}

/** Starts the server with `config`, probes it with autocannon, searches the highest open-loop rate, counts log rows. */
export async function runOpenLoopConfig(
  config: ServerConfig,
  payloads: readonly Payload[],
  s: ServerSettings,
  ctx: Context,
): Promise<OpenLoopRun> {
  progress(`server, ${config.label}: open-loop rate search`);
  const { result, base } = await withServer(config, ctx, async (target, count) => {
    const warm: OpenLoopWindow = await runOpenLoop(target, payloads, 200, s.warmupSeconds, {
      timeoutMs: s.requestTimeoutMs,
    });
    count(warm.ok, warm.errors);
    const probe = await probeSaturation(
      target,
      payloads,
      s.probeSeconds,
      s.probeConnections,
      s.requestTimeoutMs,
    );
    count(probe.ok, probe.errors);
    progress(
      `    autocannon closed loop, ${probe.connections} connections: ${Math.round(probe.rps)} req/s, p50 ${probe.latencyMs.p50} / p99 ${probe.latencyMs.p99} ms, ${probe.errorCount} errors`,
    );
    const search = await searchRate(target, payloads, probe.rps * 0.8, s, (w) =>
      count(w.ok, w.errors),
    );
    return { probe, search };
  });
  return { ...base, probe: result?.probe ?? null, search: result?.search ?? null };
}

/** Starts the server with `config` and runs the Locust-like closed loop against it. */
export async function runClosedLoopConfig(
  config: ServerConfig,
  payloads: readonly Payload[],
  s: ServerSettings,
  ctx: Context,
): Promise<ClosedLoopRun> {
  const c = s.closedLoop;
  progress(
    `server, ${config.label}: closed loop like the course's Locust run (${c.users} users, ${c.thinkMinS}–${c.thinkMaxS} s think time, ${c.seconds} s)`,
  );
  const { result, base } = await withServer(config, ctx, async (target, count) => {
    const r = await runClosedLoop(target, payloads, { ...c, timeoutMs: s.requestTimeoutMs });
    count(r.totalOk, r.totalErrors);
    progress(
      `    ${r.rps.toFixed(1)} req/s, median ${r.latency.p50.toFixed(1)} ms, p95 ${r.latency.p95.toFixed(1)} ms, ${r.failurePct.toFixed(2)} % failed`,
    );
    return r;
  });
  return { ...base, closedLoop: result };
}
