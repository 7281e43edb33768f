// The "done when": a real server under continuous load, `catserve deploy` swaps A → B with
// zero failed requests, skips the second time, refuses a corrupt C while B keeps serving,
// `catserve rollback` returns to A, the SQLite log shows A then B (then A), and with the server
// stopped `catserve deploy` starts it.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSqliteSink } from '@catserve/prediction-log/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './fake-api.js';
import {
  CATSERVE,
  jsonRecord,
  runCli,
  servedVersion,
  startLoad,
  startProcess,
  waitReady,
  type Load,
  type Spawned,
} from './processes.js';
import { addVersion, MODEL_NAME, shippedVersionDir, skipOrFail } from './registry-fixture.js';

const T_A = '2026-01-01T00:00:00.000001Z';
const T_B = '2026-01-01T00:00:00.000002Z'; // one microsecond newer
const T_C = '2026-02-01T00:00:00.000000Z';
const TOKEN = 'e2e-admin-token';

const shipped = await shippedVersionDir();
const skip = shipped
  ? false
  : skipOrFail('no shipped model version under models/credit_score_classifier yet');

let tmp: string;
let registry: string;
let api: string;
let env: NodeJS.ProcessEnv;
let server: Spawned | undefined;
let load: Load | undefined;
let startedPid: number | undefined;
let rows: { input: Record<string, unknown>; class: string }[];
const logDb = () => join(tmp, 'predictions.db');

beforeAll(async () => {
  if (!shipped) return;
  tmp = await mkdtemp(join(tmpdir(), 'catserve-deploy-e2e-'));
  registry = join(tmp, 'registry');
  const a = await addVersion(registry, 'v-a', { from: shipped, creationTime: T_A });
  rows = (await readFile(join(a, 'golden.jsonl'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .slice(0, 300)
    .map((l) => JSON.parse(l) as { input: Record<string, unknown>; class: string });
  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
  env = { ...process.env, CATSERVE_ADMIN_TOKEN: TOKEN };
  await mkdir(join(tmp, 'data'), { recursive: true });
  server = startProcess(
    [
      ...CATSERVE,
      'serve',
      '--port',
      String(port),
      '--registry',
      registry,
      '--model',
      'v-a',
      '--log-db',
      `sqlite:${logDb()}`,
      '--data-dir',
      join(tmp, 'data'),
    ],
    { env, cwd: tmp, logFile: join(tmp, 'server.log') },
  );
  await waitReady(api, 60_000, () => server!.log());
});

afterAll(async () => {
  await load?.stop();
  server?.child.kill('SIGTERM');
  await server?.exited;
  if (startedPid) {
    try {
      process.kill(-startedPid, 'SIGTERM');
    } catch {
      // already stopped
    }
  }
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const deploy = (...extra: string[]) =>
  runCli(['deploy', '--api', api, '--registry', registry, '--json', ...extra], env, tmp);

describe.skipIf(skip)('catserve deploy / rollback against a real server under load', () => {
  it('swaps A → B with zero failed requests', async () => {
    expect(await servedVersion(api)).toEqual({ version: 'v-a', creationTime: T_A });
    load = startLoad(api, rows, 3);
    await sleep(800);
    await addVersion(registry, 'v-b', { from: shipped!, creationTime: T_B });
    const before = load.ok;
    const t0 = Date.now();
    const result = await deploy();
    const seconds = (Date.now() - t0) / 1000;
    expect(result.code, result.stderr).toBe(0);
    const record = jsonRecord(result);
    expect(record).toMatchObject({
      apiUp: true,
      action: 'deploy',
      branch: 'deploy_new_model',
      reason: 'trained_model_newer',
      outcome: 'deployed',
      deployed: { version: 'v-a', creationTime: T_A },
      latest: { version: 'v-b', creationTime: T_B },
      swap: { previous: 'v-a', current: 'v-b' },
      serving: { version: 'v-b', creationTime: T_B },
    });
    await sleep(800);
    expect(await servedVersion(api)).toMatchObject({ version: 'v-b' });
    console.info(
      `deploy A→B took ${seconds.toFixed(2)} s; meanwhile ${load.ok - before} requests answered, ${load.failed} failed`,
    );
    expect(load.ok - before).toBeGreaterThan(0);
    expect(load.failures).toEqual([]);
  });

  it('skips the second time (same creation time)', async () => {
    const result = await deploy();
    expect(result.code, result.stderr).toBe(0);
    expect(jsonRecord(result)).toMatchObject({
      action: 'skip',
      branch: 'skip_deployment',
      reason: 'deployed_model_up_to_date',
      outcome: 'skipped',
      deployed: { version: 'v-b' },
      latest: { version: 'v-b' },
    });
  });

  it('refuses a corrupt C (golden parity fails) while B keeps serving', async () => {
    await addVersion(registry, 'v-c', { from: shipped!, creationTime: T_C, corruptGolden: true });
    const result = await deploy();
    expect(result.code).toBe(1);
    const record = jsonRecord(result);
    expect(record).toMatchObject({
      branch: 'deploy_new_model',
      latest: { version: 'v-c' },
      outcome: 'failed',
      error: { code: 'REFUSED', serverCode: 'GOLDEN_MISMATCH' },
    });
    expect((record.error as { message: string }).message).toMatch(/golden/i);
    expect(await servedVersion(api)).toMatchObject({ version: 'v-b' });
    expect(load!.failures).toEqual([]);
  });

  it('rollback returns to A', async () => {
    const result = await runCli(['rollback', '--api', api, '--json'], env, tmp);
    expect(result.code, result.stderr).toBe(0);
    expect(jsonRecord(result)).toMatchObject({
      outcome: 'rolled_back',
      swap: { previous: 'v-b', current: 'v-a' },
      serving: { version: 'v-a' },
    });
    await sleep(500);
    expect(await servedVersion(api)).toMatchObject({ version: 'v-a' });
  });

  it('answered every request, each with the golden class, and logged them: A, then B, then A', async () => {
    await load!.stop();
    const { ok, failed, wrongClass } = load!;
    console.info(
      `load: ${ok} requests answered, ${failed} failed, ${wrongClass} with a class other than the golden one`,
    );
    const stopped = server!;
    server = undefined;
    stopped.child.kill('SIGTERM');
    expect(await stopped.exited).toBe(0);
    expect(failed).toBe(0);
    expect(wrongClass).toBe(0);
    const sink = createSqliteSink(logDb());
    try {
      const records = await sink.readAll!();
      expect(records).toHaveLength(ok);
      const runs: string[] = [];
      for (const r of records) if (runs.at(-1) !== r.modelVersion) runs.push(r.modelVersion);
      expect(runs).toEqual(['v-a', 'v-b', 'v-a']);
    } finally {
      await sink.close();
    }
  });

  it('with the server stopped, deploy starts it (and a latest version that cannot pass its goldens fails the start)', async () => {
    if (server) {
      // an earlier step failed before stopping it
      server.child.kill('SIGTERM');
      await server.exited;
      server = undefined;
    }
    const refused = await deploy('--timeout', '60', '--data-dir', join(tmp, 'data-refused'));
    expect(refused.code).toBe(1);
    const bad = jsonRecord(refused);
    expect(bad).toMatchObject({
      apiUp: false,
      reason: 'api_down',
      latest: { version: 'v-c' },
      outcome: 'failed',
      error: { code: 'START_FAILED' },
    });
    expect((bad.error as { message: string }).message).toMatch(/golden rows differ/);

    await rm(join(registry, MODEL_NAME, 'v-c'), { recursive: true }); // the operator removes the bad version
    const result = await deploy('--timeout', '60', '--data-dir', join(tmp, 'data-started'));
    expect(result.code, result.stderr).toBe(0);
    const record = jsonRecord(result);
    startedPid = (record.started as { pid?: number } | undefined)?.pid;
    expect(record).toMatchObject({
      apiUp: false,
      branch: 'deploy_new_model',
      reason: 'api_down',
      deployed: null,
      latest: { version: 'v-b' },
      outcome: 'started',
      serving: { version: 'v-b', creationTime: T_B },
    });
    await waitReady(api, 5000);
    const again = jsonRecord(await deploy());
    expect(again).toMatchObject({ outcome: 'skipped', deployed: { version: 'v-b' } });
  });
});
