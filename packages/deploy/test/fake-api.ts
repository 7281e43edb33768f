// A real HTTP server on 127.0.0.1 that answers the deploy's requests with canned responses:
// the network boundary is real, only the server behind it is fake.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

interface Canned {
  status: number;
  body?: unknown;
}

export type Routes = Record<string, Canned | ((req: SeenRequest) => Canned)>;

export interface FakeApi {
  url: string;
  port: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Starts a server whose routes are keyed `"METHOD /path"`; anything else answers 404. */
export async function startFakeApi(routes: Routes): Promise<FakeApi> {
  const seen: SeenRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const seenReq: SeenRequest = {
        method: req.method ?? 'GET',
        path,
        authorization: req.headers.authorization,
        body: await readBody(req),
      };
      seen.push(seenReq);
      const route = routes[`${seenReq.method} ${path}`];
      const answer =
        typeof route === 'function'
          ? route(seenReq)
          : (route ?? { status: 404, body: { error: { code: 'NOT_FOUND', message: 'no route' } } });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
