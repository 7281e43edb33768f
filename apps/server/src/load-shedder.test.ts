import { describe, expect, it } from 'vitest';
import { LoadShedder } from './load-shedder.js';

describe('LoadShedder', () => {
  it('refuses the request above maxInFlight and takes it again once a slot is free', () => {
    const shedder = new LoadShedder(2, 1000);
    expect(shedder.tryEnter()).toBeUndefined();
    expect(shedder.tryEnter()).toBeUndefined();
    expect(shedder.tryEnter()).toBe('in_flight');
    expect(shedder.inFlight).toBe(2);
    shedder.leave();
    expect(shedder.tryEnter()).toBeUndefined();
  });

  it('sheds while the event loop lags and recovers after', async () => {
    const shedder = new LoadShedder(100, 40, 10);
    shedder.start();
    try {
      await new Promise((r) => setTimeout(r, 30));
      expect(shedder.tryEnter()).toBeUndefined();
      shedder.leave();
      const until = performance.now() + 150;
      while (performance.now() < until) {
        // block the event loop
      }
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setTimeout(r, 0));
      expect(shedder.lagMs).toBeGreaterThan(40);
      expect(shedder.tryEnter()).toBe('event_loop_lag');
      await new Promise((r) => setTimeout(r, 60));
      expect(shedder.tryEnter()).toBeUndefined();
    } finally {
      shedder.stop();
    }
  });
});
