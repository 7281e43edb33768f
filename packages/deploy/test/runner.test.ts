import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runDeploy, runRollback, type DeployOptions, type StartSpec } from '../src/runner.js';
import { freePort, startFakeApi, type FakeApi, type Routes } from './fake-api.js';
import { addVersion, shippedVersionDir, skipOrFail } from './registry-fixture.js';

const TOKEN = 'test-token';
const TINY_API = fileURLToPath(new URL('./fixtures/tiny-api.mjs', import.meta.url));
const OLD = '2026-01-01T00:00:00.000001Z';
const LATEST = '2026-06-01T12:00:00.654321Z';
const NEWER = '2026-12-31T00:00:00Z';

const shipped = await shippedVersionDir();
const skip = shipped
  ? false
  : skipOrFail('no shipped model version under models/credit_score_classifier yet');

let tmp: string;
let registry: string; // holds v-latest (valid) and nothing else
let emptyRegistry: string;
let api: FakeApi | undefined;
const pids: number[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'catserve-deploy-'));
  registry = join(tmp, 'registry');
  emptyRegistry = join(tmp, 'empty');
  if (shipped) await addVersion(registry, 'v-latest', { from: shipped, creationTime: LATEST });
});
afterEach(async () => {
  await api?.close();
  api = undefined;
  for (const pid of pids.splice(0)) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const healthy = (
  deployed: { version: string; creationTime: string } | null,
  extra: Routes = {},
): Routes => ({
  'GET /healthz': { status: 200, body: { status: 'ok' } },
  'GET /readyz': { status: 200, body: { status: 'ok' } },
  'POST /metadata': deployed
    ? {
        status: 200,
        body: {
          model_name: 'credit_score_classifier',
          model_version: deployed.version,
          creation_time: deployed.creationTime,
        },
      }
    : { status: 503, body: { error: { code: 'NO_MODEL', message: 'no model loaded' } } },
  'POST /admin/models': (req) => ({
    status: 200,
    body: {
      previous: deployed?.version ?? null,
      current: (req.body as { version: string }).version,
      golden: { rows: 500, worstAbsDiff: 0 },
    },
  }),
  ...extra,
});

function options(overrides: Partial<DeployOptions> = {}): DeployOptions {
  const lines: string[] = [];
  return {
    api: api?.url ?? 'http://127.0.0.1:9',
    registry,
    name: 'credit_score_classifier',
    token: TOKEN,
    logDir: join(tmp, 'logs'),
    timeoutMs: 10_000,
    start: () => {
      throw new Error('the API is up: nothing should be started');
    },
    print: (l) => lines.push(l),
    ...overrides,
  };
}

const adminCalls = () => api!.seen.filter((r) => r.path.startsWith('/admin/'));

describe.skipIf(skip)('runDeploy against a fake API on 127.0.0.1', () => {
  it('API up, deployed model older → deploy_new_model through POST /admin/models with the bearer token', async () => {
    api = await startFakeApi(healthy({ version: 'v-old', creationTime: OLD }));
    const report = await runDeploy(options());
    expect(report).toMatchObject({
      apiUp: true,
      branch: 'deploy_new_model',
      reason: 'trained_model_newer',
      outcome: 'deployed',
      deployed: { version: 'v-old', creationTime: OLD },
      latest: { version: 'v-latest', creationTime: LATEST },
      swap: { previous: 'v-old', current: 'v-latest' },
    });
    expect(adminCalls()).toEqual([
      {
        method: 'POST',
        path: '/admin/models',
        authorization: `Bearer ${TOKEN}`,
        body: { version: 'v-latest' },
      },
    ]);
    // the DAG asks the deployed creation time with POST /metadata, after GET /healthz
    expect(api.seen.slice(0, 2).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /healthz',
      'POST /metadata',
    ]);
  });

  it('API up, nothing deployed (metadata 503) → deploy_new_model', async () => {
    api = await startFakeApi(healthy(null));
    const report = await runDeploy(options());
    expect(report).toMatchObject({
      branch: 'deploy_new_model',
      reason: 'nothing_deployed',
      outcome: 'deployed',
      deployed: null,
    });
    expect(adminCalls()).toHaveLength(1);
  });

  it('API up, same creation time → skip_deployment and no admin call', async () => {
    api = await startFakeApi(healthy({ version: 'v-latest', creationTime: LATEST }));
    const report = await runDeploy(options());
    expect(report).toMatchObject({
      action: 'skip',
      branch: 'skip_deployment',
      reason: 'deployed_model_up_to_date',
      outcome: 'skipped',
    });
    expect(adminCalls()).toEqual([]);
  });

  it('API up, deployed model newer than the registry → skip_deployment', async () => {
    api = await startFakeApi(healthy({ version: 'v-hotfix', creationTime: NEWER }));
    const report = await runDeploy(options());
    expect(report).toMatchObject({
      branch: 'skip_deployment',
      reason: 'deployed_model_up_to_date',
      outcome: 'skipped',
    });
    expect(adminCalls()).toEqual([]);
  });

  it('API up, empty registry → skip_deployment (no trained model)', async () => {
    api = await startFakeApi(healthy({ version: 'v-old', creationTime: OLD }));
    const report = await runDeploy(options({ registry: emptyRegistry }));
    expect(report).toMatchObject({
      branch: 'skip_deployment',
      reason: 'no_trained_model',
      latest: null,
      outcome: 'skipped',
    });
  });

  it('a refusal (422) fails the deploy with the server reason', async () => {
    api = await startFakeApi(
      healthy(
        { version: 'v-old', creationTime: OLD },
        {
          'POST /admin/models': {
            status: 422,
            body: { error: { code: 'GOLDEN_MISMATCH', message: '3 of 500 golden rows differ' } },
          },
        },
      ),
    );
    const report = await runDeploy(options());
    expect(report.outcome).toBe('failed');
    expect(report.error).toEqual({
      code: 'REFUSED',
      serverCode: 'GOLDEN_MISMATCH',
      message: 'the server refused it (422 GOLDEN_MISMATCH): 3 of 500 golden rows differ',
    });
  });

  it('a rejected token (401) fails with UNAUTHORIZED; no token at all fails before calling', async () => {
    api = await startFakeApi(
      healthy(
        { version: 'v-old', creationTime: OLD },
        { 'POST /admin/models': { status: 401, body: {} } },
      ),
    );
    expect((await runDeploy(options())).error?.code).toBe('UNAUTHORIZED');
    const before = adminCalls().length;
    const report = await runDeploy(options({ token: undefined }));
    expect(report.error?.code).toBe('UNAUTHORIZED');
    expect(report.error?.message).toContain('CATSERVE_ADMIN_TOKEN');
    expect(adminCalls()).toHaveLength(before);
  });

  it('--dry-run decides and prints but never calls the admin route', async () => {
    api = await startFakeApi(healthy({ version: 'v-old', creationTime: OLD }));
    const lines: string[] = [];
    const report = await runDeploy(options({ dryRun: true, print: (l) => lines.push(l) }));
    expect(report).toMatchObject({ branch: 'deploy_new_model', outcome: 'dry_run', dryRun: true });
    expect(adminCalls()).toEqual([]);
    expect(lines.join('\n')).toContain(
      'decide_update → deploy_new_model: the latest trained model is newer',
    );
  });

  it('a /healthz that answers 500 counts as down: deploy_new_model starts the API', async () => {
    api = await startFakeApi({ 'GET /healthz': { status: 500 } });
    const report = await runDeploy(options({ dryRun: true }));
    expect(report).toMatchObject({
      apiUp: false,
      reason: 'api_down',
      branch: 'deploy_new_model',
      deployed: null,
    });
    expect(api.seen.map((r) => r.path)).toEqual(['/healthz']); // the DAG does not ask /metadata when down
  });
});

describe.skipIf(skip)('runDeploy when nothing listens (API down)', () => {
  const down = async (start: (dir: string) => StartSpec, timeoutMs = 15_000) => {
    const port = await freePort();
    const report = await runDeploy({
      ...options(),
      api: `http://127.0.0.1:${port}`,
      timeoutMs,
      start: (target) => ({
        ...start(target.dir),
        env: { MODEL_DIR: target.dir, PORT: String(port) },
      }),
    });
    if (report.started?.pid) pids.push(report.started.pid);
    return report;
  };

  it('starts the API in the background, waits for /readyz and reports what it serves', async () => {
    const report = await down(() => ({ kind: 'argv', argv: [process.execPath, TINY_API, '700'] }));
    expect(report).toMatchObject({
      apiUp: false,
      reason: 'api_down',
      outcome: 'started',
      serving: { version: 'v-latest', creationTime: LATEST },
    });
    expect(report.started!.readyAfterMs).toBeGreaterThanOrEqual(600);
    expect(await readFile(report.started!.logFile, 'utf8')).toContain('serving v-latest');
  });

  it('runs --start-command through the shell (e.g. docker compose up -d that returns at once)', async () => {
    const report = await down(() => ({
      kind: 'shell',
      command: `"${process.execPath}" "${TINY_API}" 300 & echo started`,
    }));
    expect(report).toMatchObject({ outcome: 'started', serving: { version: 'v-latest' } });
  });

  it('fails with START_FAILED and the log tail when the server exits before it is ready', async () => {
    const report = await down(() => ({
      kind: 'argv',
      argv: [process.execPath, '-e', 'console.error("boom: no model"); process.exit(3)'],
    }));
    expect(report.outcome).toBe('failed');
    expect(report.error?.code).toBe('START_FAILED');
    expect(report.error?.message).toContain('boom: no model');
  });

  it('fails with START_TIMEOUT when /readyz never answers in time, and stops what it started', async () => {
    const t0 = Date.now();
    const report = await down(
      () => ({ kind: 'argv', argv: [process.execPath, TINY_API, '60000'] }),
      1500,
    );
    expect(report.error?.code).toBe('START_TIMEOUT');
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('fails with NO_VERSION when the registry has nothing to start', async () => {
    const port = await freePort();
    const empty = await runDeploy({
      ...options(),
      api: `http://127.0.0.1:${port}`,
      registry: emptyRegistry,
    });
    expect(empty).toMatchObject({
      reason: 'api_down',
      latest: null,
      outcome: 'failed',
      error: { code: 'NO_VERSION' },
    });
  });
});

describe('runRollback against a fake API', () => {
  it('POST /admin/rollback → rolled_back with previous/current', async () => {
    api = await startFakeApi({
      'POST /admin/rollback': { status: 200, body: { previous: 'b', current: 'a' } },
      'POST /metadata': { status: 200, body: { model_version: 'a', creation_time: OLD } },
    });
    const report = await runRollback({ api: api.url, token: TOKEN });
    expect(report).toMatchObject({
      outcome: 'rolled_back',
      swap: { previous: 'b', current: 'a' },
      serving: { version: 'a' },
    });
    expect(adminCalls()).toEqual([
      { method: 'POST', path: '/admin/rollback', authorization: `Bearer ${TOKEN}`, body: {} },
    ]);
  });

  it('409 (no previous version) → failed NO_PREVIOUS', async () => {
    api = await startFakeApi({
      'POST /admin/rollback': {
        status: 409,
        body: { error: { code: 'NO_PREVIOUS', message: 'no previous version' } },
      },
    });
    const report = await runRollback({ api: api.url, token: TOKEN });
    expect(report).toMatchObject({
      outcome: 'failed',
      error: { code: 'NO_PREVIOUS', serverCode: 'NO_PREVIOUS' },
    });
  });
});
