import { describe, expect, it } from 'vitest';
import type { ModelRef } from '@catserve/deploy';
import { startRegistryWatch } from './watch.js';

const A = { version: 'a', creationTime: '2026-01-01T00:00:00.000001Z' };
const B = { version: 'b', creationTime: '2026-01-01T00:00:00.000002Z' };
const C = { version: 'c', creationTime: '2026-02-01T00:00:00.000000Z' };

/** A server stand-in: what it serves, what the registry holds, and which versions it refuses. */
function harness(initial: ModelRef | undefined, refuse: string[] = []) {
  const state = {
    served: initial,
    latest: undefined as ModelRef | undefined,
    deploys: [] as string[],
  };
  const all = [A, B, C];
  const watch = startRegistryWatch({
    ref: { registry: '/nowhere', name: 'm' },
    intervalMs: 3_600_000, // ticks are driven by hand
    served: () => state.served,
    latest: () => Promise.resolve(state.latest),
    deploy: (version) => {
      state.deploys.push(version);
      if (refuse.includes(version))
        return Promise.reject(new Error(`${version}: 1 of 500 golden rows differ`));
      state.served = all.find((m) => m.version === version);
      return Promise.resolve({ current: version });
    },
  });
  return { state, watch };
}

describe('registry watch (the deploy rule, applied by the server itself)', () => {
  it('deploys a newer registry version, then skips while nothing newer appears', async () => {
    const { state, watch } = harness(A);
    state.latest = A;
    expect(await watch.tick()).toMatchObject({
      outcome: 'skipped',
      decision: { reason: 'deployed_model_up_to_date' },
    });
    state.latest = B;
    expect(await watch.tick()).toMatchObject({
      outcome: 'deployed',
      decision: { reason: 'trained_model_newer' },
    });
    expect(await watch.tick()).toMatchObject({ outcome: 'skipped' });
    expect(state.deploys).toEqual(['b']);
    watch.stop();
  });

  it('deploys when nothing is served (the DAG\'s "no deployed model")', async () => {
    const { state, watch } = harness(undefined);
    state.latest = A;
    expect(await watch.tick()).toMatchObject({
      outcome: 'deployed',
      decision: { reason: 'nothing_deployed' },
    });
    watch.stop();
  });

  it('does not retry a refused version, and keeps serving the old one', async () => {
    const { state, watch } = harness(B, ['c']);
    state.latest = C;
    expect(await watch.tick()).toMatchObject({
      outcome: 'refused',
      message: 'c: 1 of 500 golden rows differ',
    });
    expect(await watch.tick()).toMatchObject({ outcome: 'already_tried' });
    expect(state.deploys).toEqual(['c']);
    expect(state.served).toBe(B);
    watch.stop();
  });

  it('does not undo a rollback: a version that has served is not redeployed by the watch', async () => {
    const { state, watch } = harness(A);
    state.latest = B;
    await watch.tick();
    expect(state.served).toBe(B);
    state.served = A; // POST /admin/rollback
    expect(await watch.tick()).toMatchObject({
      outcome: 'already_tried',
      decision: { action: 'deploy' },
    });
    expect(state.deploys).toEqual(['b']);
    state.latest = C; // a newer version still goes out
    expect(await watch.tick()).toMatchObject({ outcome: 'deployed' });
    watch.stop();
  });

  it('runs one poll at a time', async () => {
    const { state, watch } = harness(A);
    state.latest = B;
    const [first, second] = await Promise.all([watch.tick(), watch.tick()]);
    expect(first).toBe(second);
    expect(state.deploys).toEqual(['b']);
    watch.stop();
  });

  it('reports a registry error without throwing', async () => {
    const watch = startRegistryWatch({
      ref: { registry: '/nowhere', name: 'm' },
      intervalMs: 3_600_000,
      served: () => A,
      latest: () => Promise.reject(new Error('EACCES: permission denied')),
      deploy: () => Promise.resolve(undefined),
    });
    expect(await watch.tick()).toEqual({ outcome: 'error', message: 'EACCES: permission denied' });
    watch.stop();
  });
});
