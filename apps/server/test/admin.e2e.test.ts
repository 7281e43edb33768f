import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../src/errors.js';
import type { MetadataResponse, PredictResponse, SwapResponse } from '../src/schema/api.js';
import { readGoldens, shippedVersion, type GoldenRow } from './support/env.js';
import { readLogRows } from './support/log-rows.js';
import { copyRegistry } from './support/registry-copy.js';
import { post, startTestServer, type TestServer } from './support/server.js';

const TOKEN = 'test-admin-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('admin routes: validated atomic swap and rollback', () => {
  let registry: string;
  let server: TestServer;
  let goldens: GoldenRow[];

  beforeAll(async () => {
    const shipped = await shippedVersion();
    goldens = readGoldens(shipped.dir);
    registry = copyRegistry(shipped.dir, [
      { name: 'v-a', creationTime: '2026-01-01T00:00:00.000001Z' },
      { name: 'v-b', creationTime: '2026-02-01T00:00:00.000002Z' },
      { name: 'v-bad-golden', creationTime: '2026-03-01T00:00:00.000003Z', damage: 'golden-mismatch' },
      { name: 'v-corrupt', creationTime: '2026-04-01T00:00:00.000004Z', damage: 'corrupt-model' },
    ]);
    server = await startTestServer({ registry, model: 'v-a' }, { env: { CATSERVE_ADMIN_TOKEN: TOKEN } });
  });
  afterAll(async () => {
    await server?.dispose();
    rmSync(registry, { recursive: true, force: true });
  });

  const served = async () => ((await (await fetch(`${server.url}/metadata`)).json()) as MetadataResponse).model_version;
  const refuse = async (path: string, body: unknown, status: number, code: string, headers = auth) => {
    const res = await post(`${server.url}${path}`, body, headers);
    expect(res.status, res.text).toBe(status);
    expect((res.json as ErrorBody).error.code).toBe(code);
    return (res.json as ErrorBody).error.message;
  };

  it('does not exist without a configured token', async () => {
    const plain = await startTestServer({ registry, model: 'v-a' });
    try {
      const res = await post(`${plain.url}/admin/models`, { version: 'v-b' }, auth);
      expect(res.status).toBe(404);
      expect(((await (await fetch(`${plain.url}/openapi.json`)).json()) as { paths: object }).paths).not.toHaveProperty('/admin/models');
    } finally {
      await plain.dispose();
    }
  });

  it('requires the bearer token', async () => {
    await refuse('/admin/models', { version: 'v-b' }, 401, 'UNAUTHORIZED', {} as typeof auth);
    await refuse('/admin/models', { version: 'v-b' }, 401, 'UNAUTHORIZED', { authorization: `Bearer ${TOKEN}x` });
    await refuse('/admin/models', { version: 'v-b' }, 401, 'UNAUTHORIZED', { authorization: `Basic ${TOKEN}` });
    await refuse('/admin/rollback', {}, 401, 'UNAUTHORIZED', { authorization: 'Bearer ' });
    expect(await served()).toBe('v-a');
  });

  it('refuses unknown names, paths, bad versions and no-ops; the old model keeps serving', async () => {
    expect(await refuse('/admin/models', { version: 'v-zzz' }, 422, 'UNKNOWN_VERSION')).toContain('v-a, v-b');
    await refuse('/admin/models', { version: '../credit_score_classifier/v-b' }, 422, 'UNKNOWN_VERSION');
    await refuse('/admin/models', { version: '/etc' }, 422, 'UNKNOWN_VERSION');
    await refuse('/admin/models', { version: 'v-b', extra: 1 }, 400, 'INVALID_INPUT');
    expect(await refuse('/admin/models', { version: 'v-bad-golden' }, 422, 'GOLDEN_MISMATCH')).toMatch(/1 of \d+ golden rows differ/);
    await refuse('/admin/models', { version: 'v-corrupt' }, 422, 'INVALID_VERSION');
    await refuse('/admin/models', { version: 'v-a' }, 409, 'ALREADY_SERVING');
    await refuse('/admin/rollback', undefined, 409, 'NO_PREVIOUS');
    expect(await served()).toBe('v-a');
  });

  it('swaps atomically while predictions keep flowing, logs each with the version that answered, and rolls back', async () => {
    let stop = false;
    const answered: { id: string; status: number }[] = [];
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        const g = goldens[i % goldens.length]!;
        const res = await post(`${server.url}/predict`, { data: g.input });
        answered.push({ id: res.headers.get('x-request-id') ?? '', status: res.status });
        expect((res.json as PredictResponse).predict, `${res.status} ${res.text}`).toBe(g.class);
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    const swap = await post(`${server.url}/admin/models`, { version: 'v-b' }, auth);
    expect(swap.status, swap.text).toBe(200);
    const result = swap.json as SwapResponse;
    expect(result).toMatchObject({ previous: 'v-a', current: 'v-b', golden: { rows: goldens.length, mismatches: 0 } });
    expect(await served()).toBe('v-b');
    await new Promise((r) => setTimeout(r, 100));
    const back = await post(`${server.url}/admin/rollback`, undefined, auth);
    expect(back.status, back.text).toBe(200);
    expect(back.json).toMatchObject({ previous: 'v-b', current: 'v-a' });
    await new Promise((r) => setTimeout(r, 100));
    stop = true;
    await load;
    expect(await served()).toBe('v-a');
    const meta = (await (await fetch(`${server.url}/metadata`)).json()) as MetadataResponse;
    expect(meta.previous_version).toBe('v-b');

    expect(answered.every((a) => a.status === 200)).toBe(true);
    await server.log.flush();
    const rows = new Map((await readLogRows(server.config.logDb)).map((r) => [r.requestId, r.modelVersion]));
    const versions = answered.map((a) => rows.get(a.id));
    expect(versions.every((v) => v === 'v-a' || v === 'v-b')).toBe(true);
    // Order of answers: a…a b…b a…a — each request ran on one version.
    const runs = versions.filter((v, i) => i === 0 || v !== versions[i - 1]);
    expect(runs).toEqual(['v-a', 'v-b', 'v-a']);
  });
});
