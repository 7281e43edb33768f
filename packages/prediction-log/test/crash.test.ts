import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPredictionLog } from '../src/index.js';
import { createSqliteSink } from '../src/sqlite/index.js';
import { sleep } from './records.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const childScript = join(here, 'crash-child.ts');

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'catserve-crash-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Ledger {
  enqueued: number;
  spooled: number;
}

/** Starts crash-child.ts; resolves with the signal that ended it once it has exited. */
function runChild(
  config: Record<string, unknown>,
  killWhen?: () => boolean,
): Promise<NodeJS.Signals | null> {
  const child = spawn(
    process.execPath,
    ['--conditions=@catserve/source', '--import', 'tsx', childScript, JSON.stringify(config)],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let poll: NodeJS.Timeout | undefined;
  if (killWhen !== undefined) {
    poll = setInterval(() => {
      if (killWhen()) {
        clearInterval(poll);
        child.kill('SIGKILL');
      }
    }, 5);
  }
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearInterval(poll);
      if (signal === null)
        reject(new Error(`child exited with code ${code} instead of being killed:\n${stderr}`));
      else resolvePromise(signal);
    });
  });
}

/** What a fresh writer (the next process start) recovers into the database file. */
async function recover(dbFile: string): Promise<string[]> {
  const sink = createSqliteSink(dbFile);
  const log = createPredictionLog({ sink, spoolDir: join(dir, 'spool') });
  await log.close();
  const rows = await sink.readAll!();
  await sink.close();
  return rows.map((r) => r.requestId);
}

const sequence = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('crash recovery (SIGKILL)', () => {
  it('loses exactly the records enqueued after the last spool write (database reachable)', async () => {
    const dbFile = join(dir, 'log.db');
    const signal = await runChild({
      mode: 'unflushed',
      spoolDir: join(dir, 'spool'),
      dbFile,
      flushIntervalMs: 50,
      durable: 3000,
      unflushed: 400,
    });
    expect(signal).toBe('SIGKILL');
    // Rows the child committed but had not checkpointed are replayed too; the unique key absorbs them.
    expect(await recover(dbFile)).toEqual(sequence('crash', 3000));
  });

  it('replays records that only reached the spool while the database was unreachable', async () => {
    // The child's database path sits under a regular file, so every write fails.
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, '');
    const signal = await runChild({
      mode: 'unflushed',
      spoolDir: join(dir, 'spool'),
      dbFile: join(blocker, 'log.db'),
      flushIntervalMs: 50,
      durable: 2000,
      unflushed: 300,
    });
    expect(signal).toBe('SIGKILL');
    expect(await recover(join(dir, 'log.db'))).toEqual(sequence('crash', 2000));
  });

  it('under load, a SIGKILL at a random moment loses only unspooled records; the rest replay in order, once', async () => {
    const dbFile = join(dir, 'log.db');
    const ledgerFile = join(dir, 'ledger.json');
    mkdirSync(join(dir, 'spool'));
    const killAfter = 5000 + Math.floor(Math.random() * 10_000);
    const readLedger = (): Ledger | undefined => {
      if (!existsSync(ledgerFile)) return undefined;
      try {
        return JSON.parse(readFileSync(ledgerFile, 'utf8')) as Ledger;
      } catch {
        return undefined;
      }
    };
    const signal = await runChild(
      {
        mode: 'load',
        spoolDir: join(dir, 'spool'),
        dbFile,
        flushIntervalMs: 50,
        ledger: ledgerFile,
        burst: 20,
      },
      () => (readLedger()?.enqueued ?? 0) >= killAfter,
    );
    expect(signal).toBe('SIGKILL');
    await sleep(10);
    const ledger = readLedger()!;
    const recovered = await recover(dbFile);
    // A prefix of what was enqueued, in order, without duplicates ...
    expect(recovered).toEqual(sequence('load', recovered.length));
    // ... containing every record that was durable when the child last reported ...
    expect(recovered.length).toBeGreaterThanOrEqual(ledger.spooled);
    // ... and nothing enqueued after that report (those were in the same synchronous turn as the kill, at most).
    expect(recovered.length).toBeLessThanOrEqual(ledger.enqueued);
    console.info(
      `[crash under load] enqueued ${ledger.enqueued}, durable at last report ${ledger.spooled}, recovered ${recovered.length}, lost ${ledger.enqueued - recovered.length}`,
    );
  });
});
