import http from 'node:http';
import type { Target } from './open-loop.js';
import { answerMatches, type Payload } from './payloads.js';
import {
  emptyTally,
  latencyHistogram,
  percentiles,
  tallyTotal,
  type ErrorTally,
  type Percentiles,
} from './tally.js';

/** The course's Locust run against its BentoML service (2 CPUs, 100 users, 1–5 s think time). */
export const COURSE_LOCUST = {
  users: 100,
  rps: 32.3,
  medianMs: 76,
  p95Ms: 260,
  failurePct: 0.11,
  requests: 3618,
  failures: 4,
} as const;

/** Our run of the same closed-loop load. */
export interface ClosedLoopResult {
  users: number;
  rampSeconds: number;
  seconds: number;
  thinkSeconds: [number, number];
  /** Requests that completed inside the measured window (after every user had started). */
  requests: number;
  rps: number;
  latency: Percentiles;
  errors: ErrorTally;
  failures: number;
  failurePct: number;
  /** Every request of the run, ramp-up included (for the log row count). */
  totalOk: number;
  totalRequests: number;
  totalErrors: ErrorTally;
}

// mulberry32: a small seeded generator, so think times and row choices replay run to run.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Outcome = { kind: 'ok' | 'status' | 'mismatch' | 'timeout' | 'connection'; detail: string };

function record(t: ErrorTally, out: Outcome): void {
  if (out.kind === 'status') t.status[out.detail] = (t.status[out.detail] ?? 0) + 1;
  else if (out.kind === 'mismatch') t.mismatches++;
  else if (out.kind === 'timeout') t.timeouts++;
  else if (out.kind === 'connection')
    t.connection[out.detail] = (t.connection[out.detail] ?? 0) + 1;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Locust's model: `users` virtual users started evenly over `rampSeconds`, each with its own keep-alive
 * connection (like a requests.Session), each sending one request, waiting for the answer, then thinking
 * 1–5 s (uniform, Locust's `between(1, 5)`). Figures cover the `seconds` after the last user started.
 */
export async function runClosedLoop(
  target: Target,
  payloads: readonly Payload[],
  s: {
    users: number;
    rampSeconds: number;
    seconds: number;
    thinkMinS: number;
    thinkMaxS: number;
    timeoutMs: number;
  },
): Promise<ClosedLoopResult> {
  const random = rng(20261203);
  const latency = latencyHistogram();
  const errors = emptyTally();
  const t0 = performance.now();
  const windowStart = t0 + s.rampSeconds * 1000;
  const windowEnd = windowStart + s.seconds * 1000;
  let requests = 0;
  let totalOk = 0;
  let totalRequests = 0;
  const totalErrors = emptyTally();

  const send = (agent: http.Agent, p: Payload): Promise<Outcome> =>
    new Promise((resolveSend) => {
      let settled = false;
      const settle = (kind: Outcome['kind'], detail = ''): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolveSend({ kind, detail });
      };
      const req = http.request(
        {
          agent,
          host: target.host,
          port: target.port,
          method: 'POST',
          path: '/predict',
          headers: { 'content-type': 'application/json', 'content-length': p.body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode !== 200) settle('status', String(res.statusCode));
            else if (!answerMatches(Buffer.concat(chunks).toString('utf8'), p)) settle('mismatch');
            else settle('ok');
          });
          res.on('error', (e: NodeJS.ErrnoException) => settle('connection', e.code ?? e.message));
        },
      );
      const timer = setTimeout(() => {
        settle('timeout');
        req.destroy();
      }, s.timeoutMs);
      req.on('error', (e: NodeJS.ErrnoException) => settle('connection', e.code ?? e.message));
      req.end(p.body);
    });

  const user = async (u: number): Promise<void> => {
    await sleep((u * s.rampSeconds * 1000) / s.users);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      while (performance.now() < windowEnd) {
        const p = payloads[Math.floor(random() * payloads.length)]!;
        const start = performance.now();
        const out = await send(agent, p);
        const end = performance.now();
        totalRequests++;
        if (out.kind === 'ok') totalOk++;
        else record(totalErrors, out);
        if (start >= windowStart && start < windowEnd) {
          requests++;
          if (out.kind === 'ok') latency.recordValue(Math.max(1, Math.round((end - start) * 1000)));
          else record(errors, out);
        }
        const think = (s.thinkMinS + random() * (s.thinkMaxS - s.thinkMinS)) * 1000;
        if (performance.now() + think >= windowEnd) break;
        await sleep(think);
      }
    } finally {
      agent.destroy();
    }
  };

  await Promise.all(Array.from({ length: s.users }, (_, u) => user(u)));
  const failures = tallyTotal(errors);
  return {
    users: s.users,
    rampSeconds: s.rampSeconds,
    seconds: s.seconds,
    thinkSeconds: [s.thinkMinS, s.thinkMaxS],
    requests,
    rps: requests / s.seconds,
    latency: percentiles(latency),
    errors,
    failures,
    failurePct: requests > 0 ? (100 * failures) / requests : 0,
    totalOk,
    totalRequests,
    totalErrors,
  };
}
