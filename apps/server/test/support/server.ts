import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { resolveConfig, type ServeFlags, type ServerConfig } from '../../src/config.js';
import { startServer, type RunningServer, type StartOptions } from '../../src/server.js';
import { MODELS, MODEL_NAME } from './env.js';

/** A server started in this process on a free port, with its own data folder. */
export interface TestServer extends RunningServer {
  config: ServerConfig;
  dataDir: string;
  /** Shuts down (if still running) and removes the data folder. */
  dispose(): Promise<void>;
}

export async function startTestServer(
  flags: ServeFlags = {},
  options: StartOptions & { env?: NodeJS.ProcessEnv } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'catserve-server-'));
  const config = resolveConfig(
    { port: 0, registry: MODELS, name: MODEL_NAME, dataDir, ...flags },
    { env: options.env ?? {}, cwd: dataDir },
  );
  const running = await startServer(config, { defaultMetrics: false, log: { flushIntervalMs: 20 }, ...options });
  return {
    ...running,
    config,
    dataDir,
    async dispose() {
      await running.shutdown();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** An answer read in full: status, headers (fetch-style), text and parsed JSON (undefined if not JSON). */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** Sends a request over a keep-alive agent (node:http: cheaper than fetch for long test loops). */
export function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = options.body;
    const headers = { ...options.headers };
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const req = request(url, { method: options.method ?? 'GET', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode ?? 0, headers: h, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs a JSON body (a string is sent as is; undefined sends no body). */
export function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return send(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, ...(text !== undefined ? { body: text } : {}) });
}
