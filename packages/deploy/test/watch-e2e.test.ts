// `catserve serve --watch`: the server applies the deploy rule by itself — a newer version that
// appears in the registry is swapped in, a corrupt one is refused (B keeps serving), and a
// rollback is not undone by the next poll.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './fake-api.js';
import {
  CATSERVE,
  jsonRecord,
  runCli,
  servedVersion,
  startProcess,
  waitReady,
  type Spawned,
} from './processes.js';
import { addVersion, MODEL_NAME, shippedVersionDir, skipOrFail } from './registry-fixture.js';

const TOKEN = 'watch-admin-token';
const shipped = await shippedVersionDir();
const skip = shipped
  ? false
  : skipOrFail('no shipped model version under models/credit_score_classifier yet');

let tmp: string;
let registry: string;
let api: string;
let server: Spawned | undefined;

beforeAll(async () => {
  if (!shipped) return;
  tmp = await mkdtemp(join(tmpdir(), 'catserve-watch-e2e-'));
  registry = join(tmp, 'registry');
  await addVersion(registry, 'v-a', { from: shipped, creationTime: '2026-01-01T00:00:00.000001Z' });
  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
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
      '--data-dir',
      join(tmp, 'data'),
      '--watch',
      '1',
    ],
    {
      env: { ...process.env, CATSERVE_ADMIN_TOKEN: TOKEN },
      cwd: tmp,
      logFile: join(tmp, 'server.log'),
    },
  );
  await waitReady(api, 60_000, () => server!.log());
});

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Polls /metadata until it serves `version` (or gives up after `ms`). */
async function until(version: string, ms: number): Promise<string> {
  const t0 = Date.now();
  let seen = '';
  while (Date.now() - t0 < ms) {
    seen = (await servedVersion(api)).version;
    if (seen === version) break;
    await sleep(200);
  }
  return seen;
}

const events = async (name: string) =>
  (await readFile(server!.logFile, 'utf8'))
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { event: string; version?: string })
    .filter((e) => e.event === name);

describe.skipIf(skip)('catserve serve --watch', () => {
  it('swaps in a newer registry version by itself', async () => {
    await addVersion(registry, 'v-b', {
      from: shipped!,
      creationTime: '2026-01-01T00:00:00.000002Z',
    });
    expect(await until('v-b', 30_000)).toBe('v-b');
    expect(await events('watch_deployed')).toMatchObject([{ version: 'v-b' }]);
  });

  it('refuses a version whose goldens fail, once, and keeps serving B', async () => {
    await addVersion(registry, 'v-c', {
      from: shipped!,
      creationTime: '2026-02-01T00:00:00.000000Z',
      corruptGolden: true,
    });
    const t0 = Date.now();
    while ((await events('watch_refused')).length === 0 && Date.now() - t0 < 30_000)
      await sleep(200);
    expect(await events('watch_refused')).toMatchObject([{ version: 'v-c' }]);
    await sleep(2500); // two more polls: not retried
    expect(await events('watch_refused')).toHaveLength(1);
    expect((await servedVersion(api)).version).toBe('v-b');
  });

  it('does not undo a rollback (B, the newest valid version, stays rolled back)', async () => {
    await rm(join(registry, MODEL_NAME, 'v-c'), { recursive: true });
    const result = await runCli(
      ['rollback', '--api', api, '--json'],
      { ...process.env, CATSERVE_ADMIN_TOKEN: TOKEN },
      tmp,
    );
    expect(jsonRecord(result)).toMatchObject({
      outcome: 'rolled_back',
      swap: { previous: 'v-b', current: 'v-a' },
    });
    await sleep(2500);
    expect((await servedVersion(api)).version).toBe('v-a');
    expect(await events('watch_deployed')).toHaveLength(1);
  });
});
