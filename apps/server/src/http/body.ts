import type { IncomingMessage } from 'node:http';
import { HttpError } from '../errors.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** True when the request declares a JSON body (`application/json`, optionally `; charset=utf-8`). */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type = '', ...params] = header.split(';');
  if (type.trim().toLowerCase() !== 'application/json') return false;
  for (const p of params) {
    const [k = '', v = ''] = p.split('=');
    if (k.trim().toLowerCase() === 'charset' && !/^"?utf-?8"?$/i.test(v.trim())) return false;
  }
  return true;
}

function declaredLength(req: IncomingMessage): number | undefined {
  const raw = req.headers['content-length'];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'BODY_TOO_LARGE', `request body is larger than ${limit} bytes`, {
    headers: { connection: 'close' },
  });
}

/**
 * Reads the request body, refusing more than `limit` bytes.
 * @throws {HttpError} 413 when the body is too large.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        finish(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onError = (e: Error) => finish(new HttpError(400, 'BODY_READ_FAILED', 'the request body could not be read', { cause: e }));
    const onAborted = () => finish(new HttpError(400, 'BODY_READ_FAILED', 'the client aborted the request'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

// Decodes and parses a whole JSON body, with the same refusals whichever way it was read.
function parseJsonBytes(bytes: Buffer, allowEmpty: boolean): unknown {
  if (bytes.length === 0) {
    if (allowEmpty) return undefined;
    throw new HttpError(400, 'MALFORMED_JSON', 'the request body is empty; send a JSON object');
  }
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch (e) {
    throw new HttpError(400, 'MALFORMED_JSON', 'the request body is not valid UTF-8', { cause: e });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const detail = e instanceof Error ? e.message.slice(0, 200) : 'syntax error';
    throw new HttpError(400, 'MALFORMED_JSON', `the request body is not valid JSON: ${detail}`, { cause: e });
  }
}

/**
 * Reads and parses a JSON body. An empty body gives `undefined` when `allowEmpty`.
 * @throws {HttpError} 415 (not JSON), 413 (too large), 400 (malformed JSON or not UTF-8).
 */
export async function readJsonBody(req: IncomingMessage, limit: number, options: { allowEmpty?: boolean } = {}): Promise<unknown> {
  const declared = declaredLength(req);
  const hasBody = (declared !== undefined && declared > 0) || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody && options.allowEmpty) return undefined;
  if (!isJsonContentType(req.headers['content-type'])) {
    // Drain what is small enough so the client can read the answer on a live connection.
    await readBody(req, limit).catch(() => undefined);
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as JSON with "Content-Type: application/json"', {
      headers: { accept: 'application/json' },
    });
  }
  return parseJsonBytes(await readBody(req, limit), options.allowEmpty === true);
}

const NO_BYTES = Buffer.alloc(0);

/**
 * The parsed JSON body, read at once when the whole request has already arrived (the usual case for a small
 * body: the HTTP parser buffered it with the headers), without a Promise or stream listeners; undefined when
 * it has not arrived or is not declared JSON: then `readJsonBody` reads it, with the same answers.
 * @throws {HttpError} 400 (malformed JSON or not UTF-8), like readJsonBody.
 */
export function takeJsonBody(req: IncomingMessage, limit: number): { value: unknown } | undefined {
  if (!req.complete || req.readableFlowing !== null || req.readableLength > limit) return undefined;
  if (!isJsonContentType(req.headers['content-type'])) return undefined;
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limit) return undefined;
  const bytes = (req.read() as Buffer | null) ?? NO_BYTES;
  return { value: parseJsonBytes(bytes, false) };
}
