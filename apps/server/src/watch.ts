import { decide, type Decision, type ModelRef } from '@catserve/deploy';
import { latestVersion } from '@catserve/registry';
import { errorMessage, logEvent } from './logger.js';
import type { RegistryRef } from './model-loader.js';

/** What one poll of the registry did. */
type WatchTick =
  | { outcome: 'skipped'; decision: Decision }
  | { outcome: 'already_tried'; decision: Decision }
  | { outcome: 'deployed'; decision: Decision; result: unknown }
  | { outcome: 'refused'; decision: Decision; message: string }
  | { outcome: 'error'; message: string };

/** Options of {@link startRegistryWatch}. */
export interface RegistryWatchOptions {
  ref: RegistryRef;
  intervalMs: number;
  /** The version this server serves now (undefined when none). */
  served: () => ModelRef | undefined;
  /** Swaps to a registry version through the admin route's path (load, golden parity, atomic swap); throws when refused. */
  deploy: (version: string) => Promise<unknown>;
  /** The newest valid registry version. @default the registry's `latestVersion` */
  latest?: (ref: RegistryRef) => Promise<ModelRef | undefined>;
}

/** A running watch; `tick()` polls once now (tests, or a manual nudge). */
export interface RegistryWatch {
  tick(): Promise<WatchTick>;
  stop(): void;
}

/**
 * Polls the registry every `intervalMs` and applies the deploy rule of `catserve deploy` (the
 * course DAG's `decide`, with the API up): a newer valid version is swapped in. Each version is
 * tried at most once per process and a version that has served is never redeployed by the watch,
 * so a refused version is not retried and a rollback is not undone by the next poll.
 */
export function startRegistryWatch(options: RegistryWatchOptions): RegistryWatch {
  const findLatest =
    options.latest ??
    (async (ref: RegistryRef) => {
      const entry = await latestVersion(ref.registry, ref.name);
      // latestVersion only returns versions that have a creation_time
      return entry?.creationTime
        ? { version: entry.version, creationTime: entry.creationTime }
        : undefined;
    });
  const tried = new Set<string>();
  let running: Promise<WatchTick> | undefined;

  const once = async (): Promise<WatchTick> => {
    try {
      const served = options.served();
      if (served) tried.add(served.version);
      const latest = await findLatest(options.ref);
      const decision = decide({ apiUp: true, deployed: served ?? null, latest: latest ?? null });
      if (decision.action === 'skip' || !latest) return { outcome: 'skipped', decision };
      if (tried.has(latest.version)) return { outcome: 'already_tried', decision };
      tried.add(latest.version);
      logEvent('info', 'watch_deploying', {
        version: latest.version,
        previous: served?.version ?? null,
        reason: decision.reason,
      });
      try {
        const result = await options.deploy(latest.version);
        logEvent('info', 'watch_deployed', {
          version: latest.version,
          previous: served?.version ?? null,
        });
        return { outcome: 'deployed', decision, result };
      } catch (e) {
        logEvent('warn', 'watch_refused', { version: latest.version, message: errorMessage(e) });
        return { outcome: 'refused', decision, message: errorMessage(e) };
      }
    } catch (e) {
      logEvent('warn', 'watch_failed', { message: errorMessage(e) });
      return { outcome: 'error', message: errorMessage(e) };
    }
  };

  const tick = (): Promise<WatchTick> => {
    // One poll at a time: a slow load (golden check) never overlaps the next poll.
    running ??= once().finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
