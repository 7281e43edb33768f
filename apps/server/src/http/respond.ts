import type { ServerResponse } from 'node:http';
import { HttpError } from '../errors.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Writes a JSON answer with its length; extra headers (e.g. Retry-After) are added. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  // One writeHead instead of a setHeader per header (headers set earlier, e.g. `connection: close`, are kept).
  res.writeHead(status, {
    ...headers,
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** Writes an error answer; anything that is not an HttpError becomes a 500 without details. */
export function sendError(res: ServerResponse, error: unknown): void {
  if (error instanceof HttpError) {
    sendJson(res, error.status, error.toBody(), error.extra.headers);
    return;
  }
  sendJson(res, 500, { error: { code: 'INTERNAL', message: 'internal server error' } });
}
