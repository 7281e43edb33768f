import { compareCreationTimes, latestVersion } from '@catserve/registry';
import { errorMessage, logEvent } from './logger.js';
import type { RegistryRef } from './model-loader.js';

/**
 * Polls the registry and asks `deploy` to serve a newer valid version (newer `creation_time` than
 * the served one). A refused version is not retried until the registry lists a different one.
 */
export function startRegistryWatcher(options: {
  ref: RegistryRef;
  intervalMs: number;
  served: () => { version: string; creationTime: string } | undefined;
  deploy: (version: string) => Promise<unknown>;
}): { stop(): void } {
  let refused: string | undefined;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      try {
        const latest = await latestVersion(options.ref.registry, options.ref.name);
        const served = options.served();
        if (!latest?.creationTime || !served || latest.version === served.version || latest.version === refused) return;
        if (compareCreationTimes(latest.creationTime, served.creationTime) <= 0) return;
        try {
          await options.deploy(latest.version);
          logEvent('info', 'watch_deployed', { version: latest.version, previous: served.version });
        } catch (e) {
          refused = latest.version;
          logEvent('warn', 'watch_refused', { version: latest.version, message: errorMessage(e) });
        }
      } catch (e) {
        logEvent('warn', 'watch_failed', { message: errorMessage(e) });
      } finally {
        busy = false;
      }
    })();
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
