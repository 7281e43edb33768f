import { Agent, request } from 'node:http';

/** What one request of a load run got. */
export interface Outcome {
  status?: number;
  requestId?: string;
  retryAfter?: string;
  connection?: string;
  /** A connection-level failure before any answer (ECONNREFUSED, ECONNRESET, …). */
  error?: string;
  /** From writing the request on a connected socket to the end of the answer (the server's share). */
  ms: number;
  /** Time spent opening a new connection first (0 on a reused keep-alive socket). */
  connectMs: number;
}

/**
 * Closed-loop load on 127.0.0.1: `connections` keep-alive loops each POST `body()` to `path` until
 * `stop()` says so or, with `untilRefused`, until the server stops accepting. Bounded by `maxMs`.
 */
export async function runLoad(options: {
  url: string;
  path?: string;
  connections: number;
  body: () => string;
  stop: () => boolean;
  untilRefused?: boolean;
  maxMs?: number;
}): Promise<Outcome[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const outcomes: Outcome[] = [];
  const deadline = Date.now() + (options.maxMs ?? 30_000);
  const one = (): Promise<Outcome> =>
    new Promise((resolve) => {
      const body = options.body();
      const queued = performance.now();
      let started = queued;
      const req = request(
        `${options.url}${options.path ?? '/predict'}`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({
              status: res.statusCode!,
              requestId: res.headers['x-request-id'] as string | undefined,
              retryAfter: res.headers['retry-after'],
              connection: res.headers.connection,
              ms: performance.now() - started,
              connectMs: started - queued,
            }),
          );
          res.on('error', (e: NodeJS.ErrnoException) =>
            resolve({ error: e.code ?? e.message, ms: performance.now() - started, connectMs: started - queued }),
          );
        },
      );
      req.on('socket', (socket) => {
        if (socket.connecting) socket.once('connect', () => (started = performance.now()));
        else started = performance.now();
      });
      req.on('error', (e: NodeJS.ErrnoException) =>
        resolve({ error: e.code ?? e.message, ms: performance.now() - started, connectMs: started - queued }),
      );
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (Date.now() < deadline) {
        if (!options.untilRefused && options.stop()) return;
        const o = await one();
        outcomes.push(o);
        if (options.untilRefused && o.error && options.stop()) return;
      }
    }),
  );
  agent.destroy();
  return outcomes;
}

/** Percentile (nearest rank) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
