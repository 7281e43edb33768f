import type { ModelVersion } from '@catserve/registry';
import { describe, expect, it } from 'vitest';
import { ActiveModel, type LoadedModel } from './active-model.js';

// Pure reference juggling: a stand-in for a loaded version is enough here.
const loaded = (version: string): LoadedModel => ({
  version: { version } as ModelVersion,
  golden: { rows: 1, worstAbsDiff: 0, mismatches: 0 },
  loadedAt: new Date(0),
});

describe('ActiveModel', () => {
  it('swaps in one step and keeps the replaced version for rollback', () => {
    const a = loaded('a');
    const b = loaded('b');
    const model = new ActiveModel(a);
    expect(model.rollback()).toBeUndefined();
    const read = model.current; // a request that started before the swap
    expect(model.swapTo(b)).toEqual({ previous: a, current: b });
    expect(read).toBe(a);
    expect(model.current).toBe(b);
    expect(model.previous).toBe(a);
  });

  it('rolls back to the previous version, and a second rollback goes forward again', () => {
    const a = loaded('a');
    const b = loaded('b');
    const model = new ActiveModel(a);
    model.swapTo(b);
    expect(model.rollback()).toEqual({ previous: b, current: a });
    expect(model.rollback()).toEqual({ previous: a, current: b });
  });
});
