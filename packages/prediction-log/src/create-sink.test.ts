import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTempDatabase, mariaDbFromEnv } from '../test-support/index.js';
import { createSink, sinkIdentity, sinkKindOf, SinkUrlError } from './index.js';
import { mariaDbOptionsFromUrl, redactUrl } from './mariadb/options.js';
import { sqlitePathFromUrl } from './sqlite/options.js';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

describe('sinkKindOf', () => {
  it.each([
    ['sqlite:./data/predictions.db', 'sqlite'],
    ['sqlite:///data/predictions.db', 'sqlite'],
    ['./data/predictions.db', 'sqlite'],
    ['/var/lib/catserve/log.db', 'sqlite'],
    ['predictions.db', 'sqlite'],
    ['file:///tmp/log.db', 'sqlite'],
    ['mysql://u:p@db:3306/mlops', 'mariadb'],
    ['mariadb://u:p@db/mlops', 'mariadb'],
    ['mysql+pymysql://root:root@mariadb:3306/mlops', 'mariadb'],
    ['MYSQL+PYMYSQL://root:root@mariadb:3306/mlops', 'mariadb'],
  ])('%s → %s', (url, kind) => {
    expect(sinkKindOf(url)).toBe(kind);
  });

  it('rejects other schemes with a clear error', () => {
    expect(() => sinkKindOf('postgres://u:p@h/db')).toThrowErrorMatchingInlineSnapshot(
      `[SinkUrlError: unsupported log database URL scheme "postgres:" (use sqlite:<path>, a file path, mysql://, mariadb:// or mysql+pymysql://)]`,
    );
  });
});

describe('sinkIdentity', () => {
  it.each([
    ['mysql://catserve:secret@DB.example:3306/mlops', 'mariadb://db.example:3306/mlops'],
    [
      'mysql+pymysql://root:root@db.example/mlops?charset=utf8mb4',
      'mariadb://db.example:3306/mlops',
    ],
    ['mariadb://u@[::1]:3307/x%20y', 'mariadb://[::1]:3307/x%20y'],
    [
      'mysql://u:p@localhost/mlops?unix_socket=/run/mysqld/mysqld.sock',
      'mariadb://localhost/mlops?socket=%2Frun%2Fmysqld%2Fmysqld.sock',
    ],
    ['sqlite:./data/p.db', 'sqlite:/srv/app/data/p.db'],
    ['/abs/p.db', 'sqlite:/abs/p.db'],
    ['sqlite::memory:', 'sqlite::memory:'],
  ])('%s → %s (no credentials, no driver options)', (url, identity) => {
    expect(sinkIdentity(url, '/srv/app')).toBe(identity);
  });

  it('refuses what createSink refuses', () => {
    expect(() => sinkIdentity('postgres://u:p@h/db')).toThrow(SinkUrlError);
    expect(() => sinkIdentity('mysql://u:p@h:3306/')).toThrow(SinkUrlError);
  });
});

describe('sqlitePathFromUrl', () => {
  it.each([
    ['sqlite:./data/x.db', './data/x.db'],
    ['sqlite:/abs/x.db', '/abs/x.db'],
    ['sqlite:///relative/x.db', 'relative/x.db'],
    ['sqlite:////abs/x.db', '/abs/x.db'],
    ['file:///tmp/x.db', '/tmp/x.db'],
    ['data/x.db', 'data/x.db'],
    ['sqlite::memory:', ':memory:'],
  ])('%s → %s', (url, path) => {
    expect(sqlitePathFromUrl(url)).toBe(path);
  });

  it('rejects an empty path', () => {
    expect(() => sqlitePathFromUrl('sqlite:')).toThrow(SinkUrlError);
  });
});

describe('mariaDbOptionsFromUrl', () => {
  it("reads the course's SQLAlchemy URL", () => {
    expect(
      mariaDbOptionsFromUrl('mysql+pymysql://root:r%40ot@mariadb:3306/mlops?charset=utf8mb4'),
    ).toEqual({
      host: 'mariadb',
      port: 3306,
      user: 'root',
      password: 'r@ot',
      database: 'mlops',
      charset: 'utf8mb4',
    });
  });

  it('defaults the port and accepts a unix socket', () => {
    expect(
      mariaDbOptionsFromUrl('mariadb://app@localhost/logs?unix_socket=/run/mysqld/mysqld.sock'),
    ).toMatchObject({
      host: 'localhost',
      port: 3306,
      user: 'app',
      password: '',
      database: 'logs',
      socketPath: '/run/mysqld/mysqld.sock',
    });
  });

  it('needs a database and known parameters; errors never show the password', () => {
    expect(() =>
      mariaDbOptionsFromUrl('mysql://u:secret@h:3306/'),
    ).toThrowErrorMatchingInlineSnapshot(
      `[SinkUrlError: MariaDB URL "mysql://u:***@h:3306/" must name one database, e.g. mysql://user:pw@host:3306/mlops]`,
    );
    expect(() => mariaDbOptionsFromUrl('mysql://u:secret@h/db?ssl_ca=x')).toThrow(
      /unsupported MariaDB URL parameter "ssl_ca"/,
    );
    expect(redactUrl('mysql+pymysql://root:hunter2@db:3306/mlops')).toBe(
      'mysql+pymysql://root:***@db:3306/mlops',
    );
  });
});

describe('createSink', () => {
  it('creates a working SQLite sink (and its folder) from sqlite:<path>', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'catserve-create-'));
    try {
      const sink = await createSink(`sqlite:${join(dir, 'data', 'log.db')}`);
      await sink.migrate();
      expect(await sink.count()).toBe(0);
      await sink.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads only the chosen backend: a MariaDB user never loads the native SQLite module', () => {
    // process.dlopen is how Node loads every native addon (better-sqlite3's .node file).
    const script = `
      const loaded = [];
      const dlopen = process.dlopen;
      process.dlopen = (module, file, ...rest) => { loaded.push(file); return dlopen(module, file, ...rest); };
      const { createSink } = await import('@catserve/prediction-log');
      const maria = await createSink('mysql+pymysql://u:p@127.0.0.1:1/none');
      await maria.close();
      const afterMaria = loaded.some((f) => f.includes('better_sqlite3'));
      const sqlite = await createSink('sqlite::memory:');
      await sqlite.migrate();
      await sqlite.close();
      console.log(JSON.stringify({ afterMaria, afterSqlite: loaded.some((f) => f.includes('better_sqlite3')) }));
    `;
    const out = spawnSync(
      process.execPath,
      ['--conditions=@catserve/source', '--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: packageRoot, // the package imports itself by name
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout.trim())).toEqual({ afterMaria: false, afterSqlite: true });
  });
});

const mariadb = await mariaDbFromEnv();
describe.skipIf(mariadb.skip !== undefined)(
  `createSink with MariaDB (${mariadb.skip ?? 'MARIADB_URL'})`,
  () => {
    it('accepts the mysql+pymysql:// form of the server URL', async () => {
      const db = await createTempDatabase(mariadb.url!, 'create');
      try {
        const sink = await createSink(db.url.replace(/^mysql:/, 'mysql+pymysql:'));
        await sink.migrate();
        await sink.write([]);
        expect(await sink.count()).toBe(0);
        await sink.close();
      } finally {
        await db.drop();
      }
    });
  },
);
