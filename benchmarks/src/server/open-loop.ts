import http from 'node:http';
import { answerMatches, type Payload } from './payloads.js';
import {
  emptyTally,
  latencyHistogram,
  percentiles,
  tallyTotal,
  type ErrorTally,
  type Percentiles,
} from './tally.js';

/** Where the server listens. */
export interface Target {
  host: string;
  port: number;
}

/** One open-loop window: requests sent on a fixed schedule whatever the server does. */
export interface OpenLoopWindow {
  offeredRps: number;
  seconds: number;
  scheduled: number;
  completed: number;
  ok: number;
  achievedRps: number;
  /** From each request's scheduled send time to the end of its response (corrects coordinated omission). */
  latency: Percentiles;
  /** From the actual write to the end of the response. */
  serviceTime: Percentiles;
  /** How late the client sent requests against the schedule (client-side lag, a sign of a saturated client). */
  sendLagP99Ms: number;
  errors: ErrorTally;
  errorCount: number;
  maxSocketsUsed: number;
  /** CPU time the load generator itself used, as a share of one core over the window. */
  clientCpuPct: number;
}

/**
 * Sends `rate` requests per second for `seconds`, evenly spaced, each a different golden row, on a pool of
 * keep-alive connections that grows as needed (up to `maxSockets`; beyond that requests wait in the agent
 * queue and the wait counts as latency).
 */
export async function runOpenLoop(
  target: Target,
  payloads: readonly Payload[],
  rate: number,
  seconds: number,
  opts: { timeoutMs: number; maxSockets?: number; firstPayload?: number },
): Promise<OpenLoopWindow> {
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: opts.maxSockets ?? 512,
    keepAliveMsecs: 1000,
  });
  const total = Math.max(1, Math.round(rate * seconds));
  const interval = 1000 / rate;
  const latency = latencyHistogram();
  const service = latencyHistogram();
  const lag = latencyHistogram();
  const errors = emptyTally();
  let completed = 0;
  let ok = 0;
  let next = 0;
  let maxSockets = 0;
  const first = opts.firstPayload ?? 0;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();

  const done = new Promise<void>((resolveDone) => {
    const finish = (): void => {
      completed++;
      if (completed === total) resolveDone();
    };
    const fire = (i: number, intended: number): void => {
      const p = payloads[(first + i) % payloads.length]!;
      const sentAt = performance.now();
      lag.recordValue(Math.max(1, Math.round((sentAt - intended) * 1000)));
      let settled = false;
      const settle = (
        kind: 'ok' | 'status' | 'mismatch' | 'timeout' | 'connection',
        detail = '',
      ): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const end = performance.now();
        if (kind === 'ok') {
          ok++;
          latency.recordValue(Math.max(1, Math.round((end - intended) * 1000)));
          service.recordValue(Math.max(1, Math.round((end - sentAt) * 1000)));
        } else if (kind === 'status') errors.status[detail] = (errors.status[detail] ?? 0) + 1;
        else if (kind === 'mismatch') errors.mismatches++;
        else if (kind === 'timeout') errors.timeouts++;
        else errors.connection[detail] = (errors.connection[detail] ?? 0) + 1;
        finish();
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
            const status = res.statusCode ?? 0;
            if (status !== 200) settle('status', String(status));
            else if (!answerMatches(Buffer.concat(chunks).toString('utf8'), p)) settle('mismatch');
            else settle('ok');
          });
          res.on('error', (e: NodeJS.ErrnoException) => settle('connection', e.code ?? e.message));
        },
      );
      const timer = setTimeout(() => {
        settle('timeout');
        req.destroy();
      }, opts.timeoutMs);
      req.on('error', (e: NodeJS.ErrnoException) => settle('connection', e.code ?? e.message));
      req.end(p.body);
      let sockets = 0;
      for (const list of Object.values(agent.sockets)) sockets += list?.length ?? 0;
      if (sockets > maxSockets) maxSockets = sockets;
    };

    const t0 = performance.now() + 20;
    const tick = (): void => {
      const now = performance.now();
      while (next < total && t0 + next * interval <= now) {
        fire(next, t0 + next * interval);
        next++;
      }
      if (next < total) setTimeout(tick, Math.max(0, t0 + next * interval - performance.now()));
    };
    setTimeout(tick, 20);
  });

  await done;
  const cpu = process.cpuUsage(cpu0);
  const clientCpuPct = (100 * (cpu.user + cpu.system)) / 1000 / (performance.now() - wall0);
  agent.destroy();
  const errorCount = tallyTotal(errors);
  return {
    offeredRps: rate,
    seconds,
    scheduled: total,
    completed,
    ok,
    achievedRps: ok / seconds,
    latency: percentiles(latency),
    serviceTime: percentiles(service),
    sendLagP99Ms: lag.getValueAtPercentile(99) / 1000,
    errors,
    errorCount,
    maxSocketsUsed: maxSockets,
    clientCpuPct,
  };
}
