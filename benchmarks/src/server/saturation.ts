import autocannon from 'autocannon';
import type { Target } from './open-loop.js';
import { answerMatches, type Payload } from './payloads.js';
import { addTally, emptyTally, tallyTotal, type ErrorTally } from './tally.js';

/** autocannon's closed-loop run: fixed connections, each sending as soon as its last answer arrived. */
export interface SaturationProbe {
  connections: number;
  requests: number;
  seconds: number;
  /** 200 answers with the right prediction, per second. */
  rps: number;
  latencyMs: { p50: number; p90: number; p97_5: number; p99: number; max: number; mean: number };
  errors: ErrorTally;
  errorCount: number;
  /** 200 answers over both autocannon runs (pilot included), for the log row count. */
  ok: number;
}

interface Ctx {
  payload?: Payload;
}

async function cannon(
  target: Target,
  payloads: readonly Payload[],
  amount: number,
  connections: number,
  timeoutMs: number,
) {
  let next = 0;
  let ok = 0;
  let firstSentAt: number | undefined;
  let lastAnsweredAt = 0;
  const errors = emptyTally();
  // `amount` (not `duration`) so every request sent gets its answer: the log row count stays exact.
  const result = await autocannon({
    url: `http://${target.host}:${target.port}`,
    connections,
    amount,
    timeout: Math.ceil(timeoutMs / 1000),
    requests: [
      {
        method: 'POST',
        path: '/predict',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req, context) => {
          firstSentAt ??= performance.now();
          const p = payloads[next++ % payloads.length]!;
          (context as Ctx).payload = p;
          return { ...req, body: p.body };
        },
        onResponse: (status, body, context) => {
          lastAnsweredAt = performance.now();
          const p = (context as Ctx).payload;
          if (status !== 200)
            errors.status[String(status)] = (errors.status[String(status)] ?? 0) + 1;
          else if (!p || !answerMatches(body, p)) errors.mismatches++;
          else ok++;
        },
      },
    ],
  });
  if (result.errors > result.timeouts) errors.connection.client = result.errors - result.timeouts;
  errors.timeouts += result.timeouts;
  // With `amount`, autocannon ends the run (and its `duration`) at its next 1 s sampling tick, not when the
  // last answer arrives: a run that took 0.3 s reports 1 s. Time it from the first request to the last answer.
  const seconds = Math.max((lastAnsweredAt - (firstSentAt ?? lastAnsweredAt)) / 1000, 0.001);
  return { ok, errors, result, seconds };
}

/**
 * Finds the server's closed-loop throughput with autocannon (every request a different golden row, every
 * answer checked): a short pilot, then about `seconds` worth of requests. This seeds the open-loop rate
 * search; it is not the reported capacity, because a closed loop slows its sending when the server slows.
 */
export async function probeSaturation(
  target: Target,
  payloads: readonly Payload[],
  seconds: number,
  connections: number,
  timeoutMs: number,
): Promise<SaturationProbe> {
  const pilot = await cannon(target, payloads, connections * 20, connections, timeoutMs);
  const pilotRps = pilot.ok / pilot.seconds;
  const amount = Math.max(connections * 20, Math.round(pilotRps * seconds));
  const main = await cannon(target, payloads, amount, connections, timeoutMs);
  const errors = emptyTally();
  addTally(errors, pilot.errors);
  addTally(errors, main.errors);
  const l = main.result.latency;
  return {
    connections,
    requests: amount,
    seconds: main.seconds,
    rps: main.ok / main.seconds,
    latencyMs: { p50: l.p50, p90: l.p90, p97_5: l.p97_5, p99: l.p99, max: l.max, mean: l.average },
    errors,
    errorCount: tallyTotal(errors),
    ok: pilot.ok + main.ok,
  };
}
