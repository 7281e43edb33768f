import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetadataResponse, PredictBatchResponse, PredictResponse } from '../src/schema/api.js';
import { python3, readGoldens, shippedVersion, type GoldenRow } from './support/env.js';
import { createRandom, locustRequest } from './support/locust.js';
import { readLogRows } from './support/log-rows.js';
import { post, startTestServer, type TestServer } from './support/server.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TOLERANCE = 1e-9;

describe('REST as the course clients speak it (SQLite log)', () => {
  let server: TestServer;
  let version: { version: string; dir: string };
  let goldens: GoldenRow[];
  // Every successful prediction: x-request-id → what was sent and answered.
  const sent = new Map<string, { input: Record<string, unknown>; answer: { predict: string; confidence: number } }>();

  beforeAll(async () => {
    version = await shippedVersion();
    goldens = readGoldens(version.dir);
    server = await startTestServer();
  });
  afterAll(() => server?.dispose());

  it("answers the Locust test's payloads with the course's response shape", async () => {
    const random = createRandom(20261203);
    for (let i = 0; i < 60; i++) {
      const req = locustRequest(random);
      const res = await fetch(server.url + req.path, { method: 'POST', headers: req.headers, body: req.body });
      expect(res.status).toBe(200);
      const body = (await res.json()) as PredictResponse;
      const input = (JSON.parse(req.body) as { data: Record<string, unknown> }).data;
      expect(Object.keys(body)).toEqual(['customer_id', 'predict', 'confidence']);
      expect(body.customer_id).toBe(input.customer_id);
      expect(['Good', 'Poor', 'Standard']).toContain(body.predict);
      // MultiClassOneVsAll probabilities need not sum to 1: the winner may be under 1/3.
      expect(body.confidence).toBeGreaterThan(0);
      expect(body.confidence).toBeLessThanOrEqual(1);
      const id = res.headers.get('x-request-id')!;
      expect(id).toMatch(UUID);
      sent.set(id, { input, answer: body });
    }
  });

  it("returns CatBoost's class and confidence for every golden row through /predict", async () => {
    let worst = 0;
    for (const g of goldens) {
      const res = await post(`${server.url}/predict`, { data: g.input });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      const body = res.json as PredictResponse;
      expect(body.predict).toBe(g.class);
      worst = Math.max(worst, Math.abs(body.confidence - Math.max(...g.probability)));
      sent.set(res.headers.get('x-request-id')!, { input: g.input, answer: body });
    }
    expect(goldens.length).toBeGreaterThanOrEqual(500);
    expect(worst).toBeLessThanOrEqual(TOLERANCE);
  });

  it('predicts golden rows in batches, in order, with one log id per row', async () => {
    const slice = goldens.slice(0, 300);
    const res = await post(`${server.url}/predict_batch`, { data: slice.map((g) => g.input) });
    expect(res.status).toBe(200);
    const body = res.json as PredictBatchResponse;
    expect(body.model_version).toBe(version.version);
    expect(body.predictions).toHaveLength(slice.length);
    body.predictions.forEach((p, i) => {
      const g = slice[i]!;
      expect(p.customer_id).toBe(g.input.customer_id);
      expect(p.predict).toBe(g.class);
      expect(Math.abs(p.confidence - Math.max(...g.probability))).toBeLessThanOrEqual(TOLERANCE);
      expect(p.request_id).toMatch(UUID);
      sent.set(p.request_id, { input: g.input, answer: p });
    });
    expect(res.headers.get('x-request-id')!.split(', ')).toEqual(body.predictions.map((p) => p.request_id));
  });

  it("passes the DAG's checks: GET /healthz is 200 and POST /metadata's creation_time parses with %Y-%m-%dT%H:%M:%S.%fZ", async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    // requests.post(url): no body, Content-Length: 0, no Content-Type.
    const res = await fetch(`${server.url}/metadata`, { method: 'POST' });
    expect(res.status).toBe(200);
    const meta = (await res.json()) as MetadataResponse;
    const onDisk = JSON.parse(readFileSync(join(version.dir, 'metadata.json'), 'utf8')) as Record<string, unknown>;
    expect(meta).toMatchObject({ model_name: 'credit_score_classifier', model_version: version.version, params: onDisk.params });
    const parsed = spawnSync(
      python3(),
      ['-c', 'import sys, datetime; print(datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%S.%fZ").isoformat())', meta.creation_time],
      { encoding: 'utf8' },
    );
    expect(parsed.stderr).toBe('');
    expect(parsed.status).toBe(0);
    expect(meta.creation_time).toBe(onDisk.creation_time);
  });

  it('GET /metadata adds metrics, features, class names, artifact hashes and golden parity', async () => {
    const res = await fetch(`${server.url}/metadata`);
    const meta = (await res.json()) as MetadataResponse;
    const onDisk = JSON.parse(readFileSync(join(version.dir, 'metadata.json'), 'utf8')) as Record<string, unknown>;
    expect(meta.metrics).toEqual(onDisk.metrics);
    expect(meta.features).toEqual(onDisk.features);
    expect(meta.artifacts).toEqual(onDisk.artifacts);
    expect(meta.class_names).toEqual(['Good', 'Poor', 'Standard']);
    expect(meta.golden).toMatchObject({ rows: goldens.length, mismatches: 0 });
    expect(meta.golden.worst_abs_diff).toBeLessThanOrEqual(TOLERANCE);
    expect(meta.previous_version).toBeNull();
  });

  it('reports liveness, readiness and Prometheus metrics', async () => {
    const live = await fetch(`${server.url}/livez`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', model_version: version.version, log: { ready: true, degraded: false } });

    const text = await (await fetch(`${server.url}/metrics`)).text();
    const predicted = [...text.matchAll(/^catserve_predictions_total\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(predicted).toBe(sent.size);
    expect(text).toMatch(/^catserve_http_request_duration_seconds_bucket\{le="0\.005",route="\/predict"\} \d+$/m);
    expect(text).toMatch(/^catserve_http_requests_total\{route="\/predict",method="POST",status="200"\} \d+$/m);
    for (const name of ['prediction_log_queue_depth', 'prediction_log_spool_backlog_bytes', 'prediction_log_degraded', 'prediction_log_write_failures_total', 'in_flight_requests']) {
      expect(text).toMatch(new RegExp(`^catserve_${name} \\d+$`, 'm'));
    }
    expect(text).toContain(`catserve_model_info{model_version="${version.version}"} 1`);
  });

  it('logs exactly one row per successful prediction, with what was sent and answered', async () => {
    await server.log.flush();
    const rows = await readLogRows(server.config.logDb);
    expect(rows).toHaveLength(sent.size);
    for (const row of rows) {
      const s = sent.get(row.requestId);
      expect(s, row.requestId).toBeDefined();
      expect(row.customerId).toBe(String(s!.input.customer_id));
      expect(row.prediction).toBe(s!.answer.predict);
      expect(row.confidence).toBe(s!.answer.confidence);
      expect(row.modelVersion).toBe(version.version);
      expect(row.features).toEqual(s!.input);
      expect(row.elapsedMs).toBeGreaterThanOrEqual(0);
    }
  });
});
