import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../src/client.js';
import type { AppRouter } from '../src/trpc/router.js';
import { readGoldens, shippedVersion, type GoldenRow } from './support/env.js';
import { createRandom, locustFeatures } from './support/locust.js';
import { readLogRows } from './support/log-rows.js';
import { startTestServer, type TestServer } from './support/server.js';

describe('the typed tRPC client over real HTTP', () => {
  let server: TestServer;
  let goldens: GoldenRow[];
  let version: string;

  beforeAll(async () => {
    const shipped = await shippedVersion();
    version = shipped.version;
    goldens = readGoldens(shipped.dir).slice(0, 40);
    server = await startTestServer();
  });
  afterAll(() => server?.dispose());

  it('predicts, batches, reads metadata and health with the same answers as REST', async () => {
    const client = createClient(server.url);
    const g = goldens[0]!;
    const one = await client.predict.mutate({ data: g.input as never });
    expect(one).toMatchObject({ customer_id: g.input.customer_id, predict: g.class });
    expect(Math.abs(one.confidence - Math.max(...g.probability))).toBeLessThanOrEqual(1e-9);

    const batch = await client.predictBatch.mutate({ data: goldens.map((x) => x.input) as never });
    expect(batch.model_version).toBe(version);
    expect(batch.predictions.map((p) => p.predict)).toEqual(goldens.map((x) => x.class));

    // Calls made together travel in one HTTP request (httpBatchLink).
    const random = createRandom(99);
    const many = await Promise.all(Array.from({ length: 10 }, () => client.predict.mutate({ data: locustFeatures(random) })));
    expect(many).toHaveLength(10);

    const meta = await client.metadata.query();
    expect(meta.model_version).toBe(version);
    expect(meta.creation_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(await client.health.query()).toMatchObject({ status: 'ready', model_version: version });

    await server.log.flush();
    expect(await readLogRows(server.config.logDb)).toHaveLength(1 + goldens.length + 10);
  });

  it('rejects invalid input with the field list, typed on the client', async () => {
    const client = createClient(server.url);
    const error = await client.predict
      .mutate({ data: { ...goldens[0]!.input, age: -5, credit_mix: 'Great' } as never })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const data = (error as TRPCClientError<AppRouter>).data!;
    expect(data.httpStatus).toBe(400);
    expect(data.errorCode).toBe('INVALID_INPUT');
    expect(data.issues).toEqual([
      { field: 'data.age', code: 'too_small', message: 'must be greater than 0' },
      { field: 'data.credit_mix', code: 'invalid_value', message: "must be one of 'Good', 'Bad', 'Standard'" },
    ]);
    expect(JSON.stringify(data)).not.toContain('stack');
  });
});
