import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../src/errors.js';
import { readGoldens, shippedVersion } from './support/env.js';
import { createRandom, locustFeatures } from './support/locust.js';
import { readLogRows } from './support/log-rows.js';
import { parseRaw, rawRequest } from './support/raw-http.js';
import { post, startTestServer, type TestServer } from './support/server.js';

// No answer may carry a stack trace or a source path.
function expectCleanError(res: { status: number; text: string; headers: Headers }, status: number, code: string): ErrorBody {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.text).not.toMatch(/\n\s+at |\.ts:\d|node_modules|Error:/);
  const body = JSON.parse(res.text) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  return body;
}

describe('bad and hostile input gets a clear 4xx, never a 5xx or a crash', () => {
  let server: TestServer;
  let row: Record<string, unknown>;
  let ok = 0;

  beforeAll(async () => {
    row = readGoldens((await shippedVersion()).dir)[0]!.input;
    server = await startTestServer();
  });
  afterAll(() => server?.dispose());

  const predict = (body: unknown, headers?: Record<string, string>) => post(`${server.url}/predict`, body, headers);

  it('lists every bad field and why', async () => {
    const res = await predict({
      data: { ...row, age: -1, credit_history_age: 0, credit_mix: 'Great', payment_of_min_amount: 'yes', num_of_loan: 1.5, occupation: 7, extra: true },
    });
    const body = expectCleanError(res, 400, 'INVALID_INPUT');
    expect(body.error.issues).toEqual([
      { field: 'data.age', code: 'too_small', message: 'must be greater than 0' },
      { field: 'data.occupation', code: 'invalid_type', message: 'must be a string or null, got an integer' },
      { field: 'data.num_of_loan', code: 'invalid_type', message: 'must be an integer or null, got a fractional number' },
      { field: 'data.credit_mix', code: 'invalid_value', message: "must be one of 'Good', 'Bad', 'Standard'" },
      { field: 'data.credit_history_age', code: 'too_small', message: 'must be greater than 0' },
      { field: 'data.payment_of_min_amount', code: 'invalid_value', message: "must be one of 'NM', 'Yes', 'No'" },
      { field: 'data.extra', code: 'unrecognized_keys', message: 'is not a known field' },
    ]);
    expect(body.error.message).toMatch(/^invalid input: data\.age must be greater than 0; /);
  });

  it('refuses wrong shapes: missing data, arrays, null, numbers, extra top-level keys', async () => {
    for (const bad of [{}, [], null, 42, '"text"', { data: row, model: 'x' }, { data: [row] }, { data: null }]) {
      const res = await predict(typeof bad === 'string' ? bad : JSON.stringify(bad));
      expectCleanError(res, 400, 'INVALID_INPUT');
    }
  });

  it('refuses malformed JSON, NaN and Infinity literals, invalid UTF-8 and an empty body', async () => {
    for (const text of ['{"data": ', '{data: 1}', `{"data": {"age": NaN}}`, `{"data": {"age": Infinity}}`, `{"data": {"age": -Infinity}}`, "{'data': 1}", '{"data": {}} trailing']) {
      expectCleanError(await predict(text), 400, 'MALFORMED_JSON');
    }
    const invalidUtf8 = await fetch(`${server.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    });
    expectCleanError({ status: invalidUtf8.status, text: await invalidUtf8.text(), headers: invalidUtf8.headers }, 400, 'MALFORMED_JSON');
    expectCleanError(await predict(''), 400, 'MALFORMED_JSON');
  });

  it('treats 1e999 (parsed as Infinity) as a bad number, not a crash', async () => {
    const res = await predict(JSON.stringify({ data: row }).replace(/"annual_income":[^,]+/, '"annual_income":1e999'));
    const body = expectCleanError(res, 400, 'INVALID_INPUT');
    expect(body.error.issues?.[0]).toMatchObject({ field: 'data.annual_income', message: 'must be a finite number or null, got an infinite number' });
  });

  it('answers 415 for a body that is not declared as JSON', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1']) {
      expectCleanError(await predict(JSON.stringify({ data: row }), { 'content-type': type }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    const none = await fetch(`${server.url}/predict`, { method: 'POST', body: new Blob([JSON.stringify({ data: row })]) });
    expectCleanError({ status: none.status, text: await none.text(), headers: none.headers }, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 413 for a body over the limit, declared or chunked', async () => {
    const huge = JSON.stringify({ data: { ...row, occupation: 'x'.repeat(200_000) } });
    expectCleanError(await predict(huge), 413, 'BODY_TOO_LARGE');
    const chunked = await rawRequest(
      server.port,
      `POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n` +
        `10000\r\n${'a'.repeat(0x10000)}\r\n10000\r\n${'a'.repeat(0x10000)}\r\n0\r\n\r\n`,
    );
    const parsed = parseRaw(chunked);
    expect(parsed.status).toBe(413);
    expect(parsed.body).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } });
    const batch = await post(`${server.url}/predict_batch`, { data: Array.from({ length: 4000 }, () => row) });
    expectCleanError(batch, 413, 'BODY_TOO_LARGE');
  });

  it('bounds batches: at most 1000 rows, at least one', async () => {
    const body = expectCleanError(await post(`${server.url}/predict_batch`, { data: Array.from({ length: 1001 }, () => row) }), 400, 'INVALID_INPUT');
    expect(body.error.issues).toEqual([{ field: 'data', code: 'too_big', message: 'must hold at most 1000 rows' }]);
    expectCleanError(await post(`${server.url}/predict_batch`, { data: [] }), 400, 'INVALID_INPUT');
  });

  it('survives deep nesting, very long strings and thousands of unknown keys', async () => {
    expectCleanError(await predict(`{"data":${'['.repeat(30_000)}${']'.repeat(30_000)}}`), 400, 'INVALID_INPUT');
    expectCleanError(await predict(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`), 400, 'INVALID_INPUT');
    const long = expectCleanError(await predict({ data: { ...row, type_of_loan: 'ü'.repeat(20_000) } }), 400, 'INVALID_INPUT');
    expect(long.error.issues).toEqual([{ field: 'data.type_of_loan', code: 'too_big', message: 'must be at most 512 characters' }]);
    const keys = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, i]));
    const many = expectCleanError(await predict({ data: { ...row, ...keys } }), 400, 'INVALID_INPUT');
    expect(many.error.issues!.length).toBe(100);
    const proto = await predict(`{"data": ${JSON.stringify(row).slice(0, -1)}, "__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}}`);
    expect(expectCleanError(proto, 400, 'INVALID_INPUT').error.issues!.map((i) => i.field)).toEqual(['data.__proto__', 'data.constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts unicode categories and stores them exactly', async () => {
    const input = { ...row, occupation: '데이터 엔지니어 🚀', type_of_loan: 'Crédit \u0000 zéro\u2028', customer_id: 'CUS_0x\u00e9' };
    const res = await predict({ data: input });
    expect(res.status, res.text).toBe(200);
    ok += 1;
    await server.log.flush();
    const rows = await readLogRows(server.config.logDb);
    const logged = rows.find((r) => r.requestId === res.headers.get('x-request-id'));
    expect(logged?.features).toEqual(input);
    expect(logged?.customerId).toBe('CUS_0x\u00e9');
  });

  it('answers 404 for unknown routes and 405 with Allow for wrong methods', async () => {
    for (const path of ['/nope', '/predict/', '/docs/../../package.json', '/docs/constructor', '/trpc', '/admin/models', '/%00']) {
      const res = await fetch(`${server.url}${path}`);
      expectCleanError({ status: res.status, text: await res.text(), headers: res.headers }, 404, 'NOT_FOUND');
    }
    const res = await fetch(`${server.url}/predict`);
    expectCleanError({ status: res.status, text: await res.text(), headers: res.headers }, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).toBe('POST');
    const del = await fetch(`${server.url}/metadata`, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, POST, HEAD');
  });

  it('answers malformed HTTP and oversized headers without a crash', async () => {
    expect(parseRaw(await rawRequest(server.port, 'NONSENSE\r\n\r\n')).status).toBe(400);
    expect(parseRaw(await rawRequest(server.port, `GET /livez HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).status).toBe(431);
  });

  it('validates tRPC input with the same schema and the same field list', async () => {
    const res = await post(`${server.url}/trpc/predict`, { data: { ...row, age: 0 } });
    expect(res.status).toBe(400);
    expect(res.text).not.toMatch(/\n\s+at |\.ts:\d/);
    expect((res.json as { error: { data: { issues: unknown } } }).error.data.issues).toEqual([
      { field: 'data.age', code: 'too_small', message: 'must be greater than 0' },
    ]);
    const type = await post(`${server.url}/trpc/predict`, JSON.stringify({ data: row }), { 'content-type': 'text/plain' });
    expect(type.status).toBe(415);
  });

  it('is still alive, and logged only the successful predictions', async () => {
    const random = createRandom(7);
    const res = await predict({ data: locustFeatures(random) });
    expect(res.status).toBe(200);
    ok += 1;
    expect((await fetch(`${server.url}/livez`)).status).toBe(200);
    await server.log.flush();
    expect(await readLogRows(server.config.logDb)).toHaveLength(ok);
  });
});
