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

  const block = (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // keep the event loop busy
    }
  };
  const turn = () => new Promise((r) => setTimeout(r, 12));

  it('does not shed after one long pause (a model swap), only while the lag persists', async () => {
    const shedder = new LoadShedder(100, 40, 10);
    shedder.start();
    try {
      await turn();
      block(150);
      await turn();
      expect(shedder.tryEnter()).toBeUndefined();
      shedder.leave();
      // Overload: every turn of the loop is long, so every sample is late.
      for (let i = 0; i < 5; i++) {
        block(80);
        await new Promise((r) => setImmediate(r));
      }
      expect(shedder.lagMs).toBeGreaterThan(40);
      expect(shedder.tryEnter()).toBe('event_loop_lag');
      await new Promise((r) => setTimeout(r, 80));
      expect(shedder.tryEnter()).toBeUndefined();
    } finally {
      shedder.stop();
    }
  });
});
