import cluster from 'node:cluster';
import type { WorkerInit } from './cluster/messages.js';
import { runPrimary } from './cluster/primary.js';
import { runWorker } from './cluster/worker.js';
import { redactUrl, type ServerConfig } from './config.js';
import { errorMessage, logEvent } from './logger.js';
import { startServer } from './server.js';
import { startRegistryWatch as startRegistryWatcher } from './watch.js';

/**
 * Runs the server until SIGTERM or SIGINT, then drains it: readiness 503, no new connections,
 * in-flight requests finished, prediction log flushed. Resolves with the process exit code.
 * With `workers > 1` this process becomes the cluster primary; in a worker it runs that worker.
 */
export async function serve(config: ServerConfig): Promise<number> {
  const workerInit = cluster.isWorker ? process.env.CATSERVE_WORKER_INIT : undefined;
  if (workerInit !== undefined) return runWorker(JSON.parse(workerInit) as WorkerInit);
  if (config.workers > 1) {
    return runPrimary(config).catch((e: unknown) => {
      logEvent('error', 'start_failed', { message: errorMessage(e) });
      return 1;
    });
  }

  let running;
  try {
    running = await startServer(config);
  } catch (e) {
    logEvent('error', 'start_failed', { message: errorMessage(e) });
    return 1;
  }
  const served = running.model.current!.version;
  logEvent('info', 'listening', {
    url: running.url,
    workers: 1,
    model_version: served.version,
    model_dir: served.dir,
    log_db: redactUrl(config.logDb),
    admin: config.adminToken !== undefined,
  });
  const watcher =
    config.watchMs > 0
      ? startRegistryWatcher({
          ref: { registry: config.registry, name: config.name },
          intervalMs: config.watchMs,
          served: () => {
            const v = running.model.current?.version;
            return v ? { version: v.version, creationTime: v.creationTime } : undefined;
          },
          deploy: (version) => running.control.deploy(version),
        })
      : undefined;

  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      logEvent('info', 'draining', { signal });
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  watcher?.stop();
  const report = await running.shutdown();
  logEvent('info', 'stopped', { ...report });
  return report.abandoned > 0 ? 1 : 0;
}
