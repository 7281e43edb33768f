import type { PredictionLog } from '@catserve/prediction-log';
import { logEvent } from './logger.js';

// How often the log's state is looked at; an outage is also visible at once on /readyz and /metrics.
const CHECK_EVERY_MS = 1000;

/**
 * Prints one event when the prediction-log database becomes unavailable (`log_degraded`, with the driver's
 * message) and one when it is back (`log_recovered`), including at startup, never one per request.
 */
export function watchLogHealth(log: PredictionLog): { stop(): void } {
  let degraded = false;
  const check = (): void => {
    const stats = log.stats();
    if (stats.degraded === degraded) return;
    degraded = stats.degraded;
    if (degraded) {
      logEvent('warn', 'log_degraded', { message: stats.lastError, queued: stats.queued, spool_bytes: stats.spoolBytes });
    } else {
      logEvent('info', 'log_recovered', { queued: stats.queued, spool_bytes: stats.spoolBytes, written: stats.written });
    }
  };
  const timer = setInterval(check, CHECK_EVERY_MS);
  timer.unref();
  return {
    // A last look, so a change within the last interval before shutdown is still reported.
    stop: () => {
      clearInterval(timer);
      check();
    },
  };
}
