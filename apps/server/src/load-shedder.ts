/** Why a request was shed. */
export type ShedReason = 'in_flight' | 'event_loop_lag';

/**
 * Bounds the work the server takes on: at most `maxInFlight` requests at once, and none while the
 * event loop lags more than `maxLagMs` (a timer's drift) in each of the last few samples. One long
 * pause (a model swap, a GC) is not overload: the requests it delayed are served, not shed; a lag
 * that persists means the backlog is growing. A refused request costs microseconds instead of
 * waiting in an unbounded queue.
 */
export class LoadShedder {
  #inFlight = 0;
  #lagMs = 0;
  #recent = [0, 0, 0];
  #worstSinceRead = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly maxInFlight: number,
    readonly maxLagMs: number,
    readonly sampleEveryMs = 50,
  ) {}

  get inFlight(): number {
    return this.#inFlight;
  }

  /** The event-loop lag every one of the last three samples exceeded, in ms. */
  get lagMs(): number {
    return this.#lagMs;
  }

  /** The longest single event-loop stall since the last call, in ms (for /metrics). */
  takeWorstLagMs(): number {
    const worst = this.#worstSinceRead;
    this.#worstSinceRead = 0;
    return worst;
  }

  start(): void {
    if (this.#timer) return;
    const tick = (expected: number) => {
      this.#timer = setTimeout(() => {
        const now = performance.now();
        this.#recent.shift();
        this.#recent.push(Math.max(0, now - expected));
        this.#worstSinceRead = Math.max(this.#worstSinceRead, now - expected);
        this.#lagMs = Math.min(...this.#recent);
        tick(now + this.sampleEveryMs);
      }, this.sampleEveryMs);
      this.#timer.unref();
    };
    tick(performance.now() + this.sampleEveryMs);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Takes a slot for a request, or says why it must be refused (the slot is then not taken). */
  tryEnter(): ShedReason | undefined {
    if (this.#inFlight >= this.maxInFlight) return 'in_flight';
    if (this.#lagMs > this.maxLagMs) return 'event_loop_lag';
    this.#inFlight += 1;
    return undefined;
  }

  /** Gives back a slot taken by `tryEnter`. */
  leave(): void {
    this.#inFlight -= 1;
  }
}
