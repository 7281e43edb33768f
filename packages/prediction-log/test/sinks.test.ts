import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { createSink, MemorySink } from '../src/index.js';
import { createMariaDbSink } from '../src/mariadb/index.js';
import { createSqliteSink } from '../src/sqlite/index.js';
import { createTempDatabase, mariaDbFromEnv } from '../test-support/index.js';
import { sinkContract } from './sink-contract.js';

sinkContract('MemorySink', () => Promise.resolve({ sink: new MemorySink() }));

sinkContract('SQLite (temp file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'catserve-sqlite-'));
  const file = join(dir, 'nested', 'log.db');
  return Promise.resolve({
    sink: createSqliteSink(file),
    reopen: () => createSqliteSink(`sqlite:${file}`),
    cleanup: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  });
});

// The server's choice: the same backends run in a worker thread, behind a message channel.
sinkContract('SQLite in a worker thread (createSink(url, { thread: true }))', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'catserve-sqlite-thread-'));
  const url = `sqlite:${join(dir, 'log.db')}`;
  return {
    sink: await createSink(url, { thread: true }),
    reopen: () => createSqliteSink(url),
    cleanup: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  };
});

const mariadb = await mariaDbFromEnv();
describe.skipIf(mariadb.skip !== undefined)(`MariaDB (${mariadb.skip ?? 'MARIADB_URL'})`, () => {
  sinkContract('MariaDB (real server, temp database)', async () => {
    const db = await createTempDatabase(mariadb.url!, 'contract');
    return {
      sink: createMariaDbSink(db.url),
      reopen: () => createMariaDbSink(db.url),
      cleanup: () => db.drop(),
    };
  });
  sinkContract('MariaDB in a worker thread (real server, temp database)', async () => {
    const db = await createTempDatabase(mariadb.url!, 'contract_thread');
    return {
      sink: await createSink(db.url, { thread: true }),
      reopen: () => createMariaDbSink(db.url),
      cleanup: () => db.drop(),
    };
  });
});
