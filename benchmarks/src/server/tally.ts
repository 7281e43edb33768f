import hdr from 'hdr-histogram-js';

/** Failed requests by kind: connection errors by code, client timeouts, non-2xx by status, wrong answers. */
export interface ErrorTally {
  connection: Record<string, number>;
  timeouts: number;
  status: Record<string, number>;
  mismatches: number;
}

export function emptyTally(): ErrorTally {
  return { connection: {}, timeouts: 0, status: {}, mismatches: 0 };
}

export function tallyTotal(t: ErrorTally): number {
  const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
  return sum(t.connection) + t.timeouts + sum(t.status) + t.mismatches;
}

export function addTally(into: ErrorTally, t: ErrorTally): void {
  for (const [k, v] of Object.entries(t.connection))
    into.connection[k] = (into.connection[k] ?? 0) + v;
  for (const [k, v] of Object.entries(t.status)) into.status[k] = (into.status[k] ?? 0) + v;
  into.timeouts += t.timeouts;
  into.mismatches += t.mismatches;
}

/** Latency percentiles in milliseconds. */
export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** An HDR histogram of latencies recorded in microseconds (3 significant digits). */
export function latencyHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

export function percentiles(h: hdr.Histogram): Percentiles {
  const ms = (us: number): number => us / 1000;
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  };
}
