import cluster, { type Worker } from 'node:cluster';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sinkIdentity } from '@catserve/prediction-log';
import { AggregatorRegistry } from 'prom-client';
import { redactUrl, type ServerConfig } from '../config.js';
import { errorMessage, logEvent } from '../logger.js';
import { resolveStartupVersion } from '../model-loader.js';
import type { SwapResponse } from '../schema/api.js';
import type { ShutdownReport } from '../server.js';
import { startRegistryWatch as startRegistryWatcher } from '../watch.js';
import { isCatserveMessage, type AdminOp, type PrimaryMessage, type WireError, type WorkerInit, type WorkerMessage } from './messages.js';

const PHASE_TIMEOUT_MS = 120_000;
const MAX_RESTARTS_PER_MINUTE = 5;

/** The served version as its metadata.json names it (the primary never loads models itself). */
function servedVersionOf(dir: string): { version: string; creationTime: string } | undefined {
  try {
    const meta = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as { model_version?: unknown; creation_time?: unknown };
    if (typeof meta.model_version !== 'string' || typeof meta.creation_time !== 'string') return undefined;
    return { version: meta.model_version, creationTime: meta.creation_time };
  } catch {
    return undefined;
  }
}

/**
 * Runs `config.workers` worker processes on one port (node:cluster). Workers re-run this process's
 * main script (the usual node:cluster pattern), whose `serve()` call turns into `runWorker`. The primary resolves the
 * model once, checks the log URL, restarts crashed workers on the same spool, aggregates
 * /metrics, coordinates model swaps (prepare on every worker, then commit) and drains on SIGTERM/SIGINT.
 * Resolves with the exit code once every worker has stopped.
 */
export async function runPrimary(config: ServerConfig): Promise<number> {
  const ref = { registry: config.registry, name: config.name };
  let activeDir = await resolveStartupVersion(ref, config.model);
  let previousDir: string | undefined;
  // A log URL that cannot work fails the start at once; the database itself need not be up (each worker's
  // writer migrates, retrying, and spools meanwhile; concurrent migrations are serialised by the sink).
  sinkIdentity(config.logDb);

  const aggregator = new AggregatorRegistry();
  const workers = new Map<number, Worker>();
  const readyUrls = new Map<number, string>();
  const restarts: number[] = [];
  const reports: ShutdownReport[] = [];
  let shuttingDown = false;
  let watcher: { stop(): void } | undefined = undefined;
  let everyoneReady = false;

  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  let exitCode = 0;

  // Replies a worker owes the primary during a swap, keyed by swap id and slot.
  const waiting = new Map<string, (m: WorkerMessage) => void>();
  let swapId = 0;
  let swapChain: Promise<unknown> = Promise.resolve();

  const sendTo = (w: Worker, m: PrimaryMessage) => {
    if (w.isConnected()) w.send(m);
  };

  function expect(slot: number, id: number, kind: string): Promise<WorkerMessage> {
    return new Promise((resolve) => {
      const key = `${kind}:${id}:${slot}`;
      const timer = setTimeout(() => {
        waiting.delete(key);
        resolve({ type: 'catserve:prepared', id, error: { status: 503, code: 'WORKER_TIMEOUT', message: `worker ${slot} did not answer` } });
      }, PHASE_TIMEOUT_MS);
      waiting.set(key, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
  }

  async function coordinate(request: AdminOp): Promise<{ result?: SwapResponse; error?: WireError }> {
    const id = ++swapId;
    const live = [...workers.entries()];
    const prepared = await Promise.all(
      live.map(([slot, w]) => {
        const reply = expect(slot, id, 'prepared');
        sendTo(w, { type: 'catserve:prepare', id, request });
        return reply;
      }),
    );
    const refusal = prepared.map((m) => ('error' in m ? m.error : undefined)).find((e) => e !== undefined);
    if (refusal) {
      for (const [, w] of live) sendTo(w, { type: 'catserve:abort', id });
      return { error: refusal };
    }
    const committed = await Promise.all(
      live.map(([slot, w]) => {
        const reply = expect(slot, id, 'committed');
        sendTo(w, { type: 'catserve:commit', id });
        return reply;
      }),
    );
    const first = committed.find((m) => m.type === 'catserve:committed' && m.result) as
      | Extract<WorkerMessage, { type: 'catserve:committed' }>
      | undefined;
    const failed = committed.map((m) => ('error' in m ? m.error : undefined)).find((e) => e !== undefined);
    if (first?.dirs) {
      activeDir = first.dirs.current;
      previousDir = first.dirs.previous;
    }
    if (failed && !first) return { error: failed };
    if (failed) logEvent('error', 'swap_partial', { message: failed.message });
    return { result: first!.result! };
  }

  function fork(slot: number): void {
    const init: WorkerInit = { config, slot, modelDir: activeDir, previousDir };
    const w = cluster.fork({ CATSERVE_WORKER_INIT: JSON.stringify(init) });
    workers.set(slot, w);
    w.on('message', (raw: unknown) => {
      if (!isCatserveMessage(raw)) return;
      const m = raw as WorkerMessage;
      switch (m.type) {
        case 'catserve:ready':
          readyUrls.set(slot, m.url);
          if (!everyoneReady && readyUrls.size === config.workers) {
            everyoneReady = true;
            logEvent('info', 'listening', {
              url: m.url,
              workers: config.workers,
              model_dir: activeDir,
              log_db: redactUrl(config.logDb),
              admin: config.adminToken !== undefined,
            });
          }
          return;
        case 'catserve:admin': {
          const run = swapChain.then(() => coordinate(m.request));
          swapChain = run.catch(() => undefined);
          void run.then(
            (out) => sendTo(w, { type: 'catserve:admin-result', id: m.id, ...out }),
            (e: unknown) => sendTo(w, { type: 'catserve:admin-result', id: m.id, error: { status: 500, code: 'INTERNAL', message: errorMessage(e) } }),
          );
          return;
        }
        case 'catserve:metrics':
          aggregator.clusterMetrics().then(
            (text) => sendTo(w, { type: 'catserve:metrics-result', id: m.id, text }),
            (e: unknown) => sendTo(w, { type: 'catserve:metrics-result', id: m.id, error: errorMessage(e) }),
          );
          return;
        case 'catserve:prepared':
        case 'catserve:committed': {
          const key = `${m.type.slice('catserve:'.length)}:${m.id}:${slot}`;
          const resolve = waiting.get(key);
          waiting.delete(key);
          resolve?.(m);
          return;
        }
        case 'catserve:stopped':
          reports.push(m.report);
          return;
      }
    });
    w.on('exit', (code, signal) => {
      if (workers.get(slot) === w) workers.delete(slot);
      for (const [key, resolve] of waiting) {
        if (key.endsWith(`:${slot}`)) {
          waiting.delete(key);
          resolve({ type: 'catserve:prepared', id: 0, error: { status: 503, code: 'WORKER_EXITED', message: `worker ${slot} exited` } });
        }
      }
      if (shuttingDown) {
        if (code !== 0) exitCode = 1;
        if (workers.size === 0) finish();
        return;
      }
      logEvent('error', 'worker_exited', { slot, code, signal });
      if (!everyoneReady) {
        // A worker that cannot start will not start on retry either.
        exitCode = 1;
        void shutdownAll();
        return;
      }
      const now = Date.now();
      restarts.push(now);
      while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
      if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
        logEvent('error', 'crash_loop', { restarts: restarts.length });
        exitCode = 1;
        void shutdownAll();
        return;
      }
      fork(slot);
    });
  }

  function finish(): void {
    const total = reports.reduce(
      (acc, r) => ({
        requests: acc.requests + r.requests,
        abandoned: acc.abandoned + r.abandoned,
        written: acc.written + r.log.written,
        queued: acc.queued + r.log.queued,
      }),
      { requests: 0, abandoned: 0, written: 0, queued: 0 },
    );
    logEvent('info', 'stopped', { workers: reports.length, ...total });
    resolveDone(exitCode);
  }

  async function shutdownAll(): Promise<void> {
    if (shuttingDown) return;
    shuttingDown = true;
    watcher?.stop();
    logEvent('info', 'draining', { workers: workers.size });
    if (workers.size === 0) {
      finish();
      return;
    }
    for (const w of workers.values()) sendTo(w, { type: 'catserve:shutdown' });
    await done;
  }

  for (let slot = 0; slot < config.workers; slot++) fork(slot);
  const onSignal = () => void shutdownAll();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  watcher =
    config.watchMs > 0
      ? startRegistryWatcher({
          ref,
          intervalMs: config.watchMs,
          served: () => servedVersionOf(activeDir),
          deploy: async (version) => {
            const run = swapChain.then(() => coordinate({ op: 'deploy', version }));
            swapChain = run.catch(() => undefined);
            const out = await run;
            if (out.error) throw new Error(out.error.message);
            return out.result;
          },
        })
      : undefined;
  const code = await done;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  return code;
}
