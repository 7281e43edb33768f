import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPredictionLog } from '../src/index.js';
import { createSqliteSink } from '../src/sqlite/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'catserve-cluster-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function runCluster(
  dbFile: string,
  workers: number,
  perWorker: number,
  closeTimeoutMs?: number,
): void {
  const run = spawnSync(
    process.execPath,
    [
      '--conditions=@catserve/source',
      '--import',
      'tsx',
      join(here, 'cluster-child.ts'),
      JSON.stringify({ spoolDir: join(dir, 'spool'), dbFile, workers, perWorker, closeTimeoutMs }),
    ],
    { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 },
  );
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toBe('done\n');
}

function expectedIds(workers: number, perWorker: number): string[] {
  const ids: string[] = [];
  for (let w = 1; w <= workers; w++) for (let i = 0; i < perWorker; i++) ids.push(`w${w}-${i}`);
  return ids.sort();
}

describe('node:cluster workers sharing a data folder', () => {
  it('each worker writes its own spool files and every record reaches the shared SQLite file once', async () => {
    const dbFile = join(dir, 'log.db');
    runCluster(dbFile, 3, 1000);
    const sink = createSqliteSink(dbFile);
    const rows = await sink.readAll!();
    await sink.close();
    expect(rows.map((r) => r.requestId).sort()).toEqual(expectedIds(3, 1000));
    expect(readdirSync(join(dir, 'spool'))).toEqual([]);
  });

  it('spools left by workers that could not reach the database are all replayed by the next start', async () => {
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, '');
    runCluster(join(blocker, 'log.db'), 2, 1000, 300);
    const left = readdirSync(join(dir, 'spool'));
    expect(left.some((f) => /^spool-w1-p\d+-.*\.jsonl$/.test(f))).toBe(true);
    expect(left.some((f) => /^spool-w2-p\d+-.*\.jsonl$/.test(f))).toBe(true);

    const sink = createSqliteSink(join(dir, 'log.db'));
    const log = createPredictionLog({ sink, spoolDir: join(dir, 'spool') });
    expect(log.stats().queued).toBe(2000);
    await log.close();
    const rows = await sink.readAll!();
    await sink.close();
    expect(rows.map((r) => r.requestId).sort()).toEqual(expectedIds(2, 1000));
    expect(readdirSync(join(dir, 'spool'))).toEqual([]);
  });
});
