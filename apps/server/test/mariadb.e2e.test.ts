import { createTempDatabase, mariaDbFromEnv, type TempDatabase } from '@catserve/prediction-log/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../src/client.js';
import type { PredictBatchResponse, PredictResponse } from '../src/schema/api.js';
import { readGoldens, shippedVersion } from './support/env.js';
import { createRandom, locustFeatures } from './support/locust.js';
import { readLogRows } from './support/log-rows.js';
import { post, startTestServer, type TestServer } from './support/server.js';

// Skips with a reason when MARIADB_URL is unset or unreachable; under CI=true it throws instead.
const maria = await mariaDbFromEnv();

describe.skipIf(maria.skip !== undefined)(`prediction log in the real MariaDB${maria.skip ? ` (skipped: ${maria.skip})` : ''}`, () => {
  let db: TempDatabase;
  let server: TestServer;
  const sent = new Map<string, { input: Record<string, unknown>; predict: string; confidence: number }>();

  beforeAll(async () => {
    db = await createTempDatabase(maria.url!, 'server');
    // The course's URL form: FEATURE_STORE_URL=mysql+pymysql://user:pw@host:3306/db
    const courseUrl = db.url.replace(/^mysql:/, 'mysql+pymysql:');
    server = await startTestServer({}, { env: { FEATURE_STORE_URL: courseUrl } });
    expect(server.config.logDb).toBe(courseUrl);
  });
  afterAll(async () => {
    await server?.dispose();
    await db?.drop();
  });

  it('logs one row per successful prediction (REST, batch, tRPC) with the right values', async () => {
    const random = createRandom(42);
    for (let i = 0; i < 40; i++) {
      const input = locustFeatures(random);
      const res = await post(`${server.url}/predict`, { data: input });
      expect(res.status).toBe(200);
      const body = res.json as PredictResponse;
      sent.set(res.headers.get('x-request-id')!, { input, predict: body.predict, confidence: body.confidence });
    }
    const goldens = readGoldens((await shippedVersion()).dir).slice(0, 50);
    const batch = await post(`${server.url}/predict_batch`, { data: goldens.map((g) => g.input) });
    expect(batch.status).toBe(200);
    (batch.json as PredictBatchResponse).predictions.forEach((p, i) =>
      sent.set(p.request_id, { input: goldens[i]!.input, predict: p.predict, confidence: p.confidence }),
    );
    const client = createClient(server.url);
    for (let i = 0; i < 5; i++) {
      const input = locustFeatures(random);
      const out = await client.predict.mutate({ data: input });
      sent.set(`trpc-${i}`, { input, predict: out.predict, confidence: out.confidence });
    }
    // A refused request leaves no row.
    expect((await post(`${server.url}/predict`, { data: { ...locustFeatures(random), age: 0 } })).status).toBe(400);

    await server.log.flush();
    const rows = await readLogRows(db.url);
    expect(rows).toHaveLength(sent.size);
    expect(new Set(rows.map((r) => r.requestId)).size).toBe(rows.length);
    const version = (await shippedVersion()).version;
    for (const row of rows) {
      expect(row.modelVersion).toBe(version);
      const s = sent.get(row.requestId);
      if (!s) continue; // tRPC ids are not echoed to the typed client
      expect(row.customerId).toBe(String(s.input.customer_id));
      expect(row.prediction).toBe(s.predict);
      expect(row.confidence).toBeCloseTo(s.confidence, 12);
      expect(row.features).toEqual(s.input);
    }
    const trpcRows = rows.filter((r) => !sent.has(r.requestId));
    expect(trpcRows).toHaveLength(5);
  });

  it('reports the MariaDB log ready in /readyz', async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ log: { ready: true, degraded: false, queued: 0 } });
  });
});
