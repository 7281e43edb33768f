import type { ServerResponse } from 'node:http';
import { HttpError } from '../errors.js';

/** Writes a JSON answer with its length; extra headers (e.g. Retry-After) are added. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.statusCode = status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.setHeader('cache-control', 'no-store');
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
