import type { ServerSettings } from '../options.js';
import { progress } from '../progress.js';
import { runOpenLoop, type OpenLoopWindow, type Target } from './open-loop.js';
import type { Payload } from './payloads.js';

/** One open-loop window of the search, with its verdict. */
interface SearchStep {
  phase: 'search' | 'hold';
  window: OpenLoopWindow;
  pass: boolean;
  why: string;
}

export interface RateSearch {
  steps: SearchStep[];
  /** The highest rate that passed a full hold window, if any. */
  held: SearchStep | undefined;
}

/** The pass rule: p99 (from the scheduled send time) within the limit, no failed request, every request answered. */
function judge(w: OpenLoopWindow, p99LimitMs: number): { pass: boolean; why: string } {
  const reasons: string[] = [];
  if (w.errorCount > 0) reasons.push(`${w.errorCount} failed`);
  if (w.latency.p99 > p99LimitMs)
    reasons.push(`p99 ${w.latency.p99.toFixed(1)} ms > ${p99LimitMs} ms`);
  if (w.ok < w.scheduled) reasons.push(`${w.scheduled - w.ok} of ${w.scheduled} not answered OK`);
  // Informational: a starved client sends late, and the lateness counts as latency.
  if (reasons.length > 0 && w.sendLagP99Ms > p99LimitMs / 2) {
    reasons.push(
      `client sent late (lag p99 ${w.sendLagP99Ms.toFixed(1)} ms): the load generator lacked CPU`,
    );
  }
  return reasons.length === 0
    ? { pass: true, why: `p99 ${w.latency.p99.toFixed(1)} ms, 0 errors` }
    : { pass: false, why: reasons.join(', ') };
}

const roundRate = (r: number): number =>
  r >= 1000 ? Math.round(r / 50) * 50 : Math.max(10, Math.round(r / 10) * 10);

/**
 * The highest open-loop rate the server holds: search with short windows (starting from the closed-loop
 * probe), a couple of bisection steps, then confirm with a full hold window, stepping down 10% if it fails.
 */
export async function searchRate(
  target: Target,
  payloads: readonly Payload[],
  startRate: number,
  s: ServerSettings,
  onRequests: (w: OpenLoopWindow) => void,
): Promise<RateSearch> {
  const steps: SearchStep[] = [];
  let offset = 0;
  const run = async (phase: 'search' | 'hold', rate: number): Promise<SearchStep> => {
    const seconds = phase === 'hold' ? s.holdSeconds : s.searchSeconds;
    const window = await runOpenLoop(target, payloads, rate, seconds, {
      timeoutMs: s.requestTimeoutMs,
      firstPayload: offset,
    });
    offset += window.scheduled;
    onRequests(window);
    const verdict = judge(window, s.p99LimitMs);
    const step = { phase, window, ...verdict };
    steps.push(step);
    const l = window.latency;
    progress(
      `    ${phase} ${rate} req/s for ${seconds} s: ${verdict.pass ? 'pass' : 'FAIL'} (p50 ${l.p50.toFixed(1)} / p99 ${l.p99.toFixed(1)} ms, ` +
        `${window.errorCount} errors, ${window.maxSocketsUsed} sockets, client send lag p99 ${window.sendLagP99Ms.toFixed(1)} ms, client CPU ${window.clientCpuPct.toFixed(0)} %)` +
        `${verdict.pass ? '' : ` — ${verdict.why}`}`,
    );
    await new Promise((r) => setTimeout(r, s.pauseMs));
    return step;
  };

  let lo: number | undefined;
  let hi: number | undefined;
  let rate = roundRate(startRate);
  if ((await run('search', rate)).pass) {
    lo = rate;
    for (let i = 0; i < s.searchStepsUp; i++) {
      rate = roundRate(rate * 1.25);
      if ((await run('search', rate)).pass) lo = rate;
      else {
        hi = rate;
        break;
      }
    }
  } else {
    hi = rate;
    for (let i = 0; i < s.searchStepsDown; i++) {
      rate = roundRate(rate * 0.7);
      if ((await run('search', rate)).pass) {
        lo = rate;
        break;
      }
      hi = rate;
    }
  }
  if (lo !== undefined && hi !== undefined) {
    for (let i = 0; i < s.bisectSteps; i++) {
      const mid = roundRate((lo + hi) / 2);
      if (mid <= lo || mid >= hi) break;
      if ((await run('search', mid)).pass) lo = mid;
      else hi = mid;
    }
  }
  if (lo === undefined) return { steps, held: undefined };
  rate = lo;
  for (let attempt = 0; attempt < s.holdAttempts; attempt++) {
    const step = await run('hold', rate);
    if (step.pass) return { steps, held: step };
    rate = roundRate(rate * 0.9);
  }
  return { steps, held: undefined };
}
