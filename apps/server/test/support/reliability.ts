import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { createTempDatabase, type PrivateMariaDb } from '@catserve/prediction-log/test-support';
import { readLogRows } from './log-rows.js';

/** One request of a load run, with absolute times (performance.now()) so it can be placed against events. */
export interface Shot {
  /** Label of the test phase when the request was sent (e.g. "up", "down", "back"). */
  phase: string;
  status?: number;
  requestId?: string;
  retryAfter?: string;
  /** `error.code` of a non-200 JSON answer. */
  code?: string;
  /** A connection-level failure before any answer (ECONNREFUSED, ECONNRESET, …). */
  error?: string;
  sentAt: number;
  doneAt: number;
}

/** A closed-loop load that runs until `stop()`. */
export interface Load {
  shots: Shot[];
  /** Stops sending, waits for the requests in flight, returns every shot. */
  stop(): Promise<Shot[]>;
}

/**
 * Starts `connections` keep-alive loops POSTing `body()` to `url + path` on 127.0.0.1 until `stop()` (or
 * `maxMs`). A loop whose request failed at the connection level waits `pauseOnErrorMs` before the next.
 */
export function startLoad(options: {
  url: string;
  path?: string;
  connections: number;
  body: () => string;
  phase: () => string;
  maxMs?: number;
  pauseOnErrorMs?: number;
}): Load {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const shots: Shot[] = [];
  let stopped = false;
  const deadline = Date.now() + (options.maxMs ?? 60_000);
  const one = (): Promise<Shot> =>
    new Promise((resolve) => {
      const body = options.body();
      const shot: Shot = { phase: options.phase(), sentAt: performance.now(), doneAt: 0 };
      const fail = (e: NodeJS.ErrnoException) => {
        shot.error = e.code ?? e.message;
        shot.doneAt = performance.now();
        resolve(shot);
      };
      const req = request(
        `${options.url}${options.path ?? '/predict'}`,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', fail);
          res.on('end', () => {
            shot.doneAt = performance.now();
            shot.status = res.statusCode!;
            const id = res.headers['x-request-id'];
            if (typeof id === 'string') shot.requestId = id;
            const retryAfter = res.headers['retry-after'];
            if (retryAfter !== undefined) shot.retryAfter = retryAfter;
            if (shot.status !== 200) {
              try {
                shot.code = (
                  JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
                    error?: { code?: string };
                  }
                ).error?.code;
              } catch {
                // not JSON
              }
            }
            resolve(shot);
          });
        },
      );
      req.on('error', fail);
      req.end(body);
    });
  const loops = Array.from({ length: options.connections }, async () => {
    while (!stopped && Date.now() < deadline) {
      const shot = await one();
      shots.push(shot);
      if (shot.error !== undefined && !stopped) await sleep(options.pauseOnErrorMs ?? 20);
    }
  });
  return {
    shots,
    async stop() {
      stopped = true;
      await Promise.all(loops);
      agent.destroy();
      return shots;
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms until it returns a value other than undefined/false. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Counts of shots by status (or `error:<code>`), e.g. {"200": 812, "503:LOG_SPOOL_FULL": 3}. */
export function summarize(shots: readonly Shot[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of shots) {
    const key =
      s.status === undefined
        ? `error:${s.error}`
        : s.code
          ? `${s.status}:${s.code}`
          : String(s.status);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** Nearest-rank percentile. */
export function pct(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

/** "n=…, p50 … ms, p99 … ms, max … ms" of the latencies of `shots`. */
export function latency(shots: readonly Shot[]): string {
  const ms = shots.map((s) => s.doneAt - s.sentAt);
  if (ms.length === 0) return 'n=0';
  return `n=${ms.length}, p50 ${pct(ms, 50).toFixed(1)} ms, p99 ${pct(ms, 99).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms`;
}

/** GET a path; status and parsed JSON (or text). */
export function get(url: string): Promise<{ status: number; text: string; json: unknown }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('error', reject);
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, text, json });
      });
    })
      .on('error', reject)
      .end();
  });
}

/** Sum of every sample of a Prometheus metric (all label sets) in an exposition text. */
export function metricSum(text: string, name: string): number {
  const re = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$`, 'gm');
  let sum = 0;
  let seen = false;
  for (const m of text.matchAll(re)) {
    sum += Number(m[1]);
    seen = true;
  }
  return seen ? sum : NaN;
}

/** The prediction-log figures of /metrics. */
export async function logMetrics(
  url: string,
): Promise<{
  queued: number;
  degraded: number;
  backlogBytes: number;
  writeFailures: number;
  written: number;
}> {
  const text = (await get(`${url}/metrics`)).text;
  return {
    queued: metricSum(text, 'catserve_prediction_log_queue_depth'),
    degraded: metricSum(text, 'catserve_prediction_log_degraded'),
    backlogBytes: metricSum(text, 'catserve_prediction_log_spool_backlog_bytes'),
    writeFailures: metricSum(text, 'catserve_prediction_log_write_failures_total'),
    written: metricSum(text, 'catserve_prediction_log_written_total'),
  };
}

/** A fresh database on a private MariaDB server; its URL (root over 127.0.0.1). */
export async function createDatabase(server: PrivateMariaDb, label: string): Promise<string> {
  return (await createTempDatabase(server.url, label)).url;
}

/** request_id of every row of the log table, read back from the database (plus the row count, to see duplicates). */
export async function loggedIds(dbUrl: string): Promise<{ rows: number; ids: Set<string> }> {
  const rows = await readLogRows(dbUrl);
  return { rows: rows.length, ids: new Set(rows.map((r) => r.requestId)) };
}

/** request ids of every complete record line in the spool files under `dir` (recursively). */
export function spooledIds(dir: string): string[] {
  const ids: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.jsonl')) {
        for (const line of readFileSync(p, 'utf8').split('\n')) {
          if (line === '') continue;
          try {
            ids.push((JSON.parse(line) as { r: string }).r);
          } catch {
            // a torn last line: not a record
          }
        }
      }
    }
  };
  walk(dir);
  return ids;
}

/** Elements of `a` missing from `b`. */
export function missing<T>(a: Iterable<T>, b: ReadonlySet<T>): T[] {
  return [...a].filter((x) => !b.has(x));
}
