import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareSpoolDir, spoolDirFor } from './spool-dir.js';

describe('spoolDirFor', () => {
  const data = '/var/lib/catserve';

  it('keeps the folder when only the credentials change (a password rotation does not orphan the spool)', () => {
    const dir = spoolDirFor(data, 'mysql://catserve:old-secret@db.internal:3306/mlops');
    expect(spoolDirFor(data, 'mysql://catserve:new-secret@db.internal:3306/mlops')).toBe(dir);
    expect(spoolDirFor(data, 'mysql://other:pw@db.internal:3306/mlops')).toBe(dir);
    // The same server and database under the schemes the server accepts, and the default port spelled out or not.
    expect(spoolDirFor(data, 'mysql+pymysql://root:root@DB.internal/mlops')).toBe(dir);
    expect(spoolDirFor(data, 'mariadb://root@db.internal:3306/mlops?charset=utf8mb4&connectTimeout=2000')).toBe(dir);
    expect(dir).not.toMatch(/secret/);
  });

  it('uses another folder for another database', () => {
    const dir = spoolDirFor(data, 'mysql://u:p@db.internal:3306/mlops');
    const others = [
      'mysql://u:p@db2.internal:3306/mlops',
      'mysql://u:p@db.internal:3307/mlops',
      'mysql://u:p@db.internal:3306/mlops_test',
      'mysql://u:p@localhost/mlops?unix_socket=/run/mysqld/mysqld.sock',
      'sqlite:/var/lib/catserve/predictions.db',
    ].map((u) => spoolDirFor(data, u));
    expect(new Set([dir, ...others]).size).toBe(others.length + 1);
  });

  it('names a SQLite log by its absolute file', () => {
    const abs = join(process.cwd(), 'data', 'predictions.db');
    expect(spoolDirFor(data, 'sqlite:./data/predictions.db')).toBe(spoolDirFor(data, `sqlite:${abs}`));
    expect(spoolDirFor(data, 'data/predictions.db')).toBe(spoolDirFor(data, abs));
  });
});

describe('prepareSpoolDir', () => {
  it('moves a spool written under the old name (hash of the whole URL) into the new folder', () => {
    const data = mkdtempSync(join(tmpdir(), 'catserve-spooldir-'));
    const url = 'mysql://catserve:catserve@127.0.0.1:3306/mlops';
    const legacy = join(data, 'spool', createHash('sha256').update(url).digest('hex').slice(0, 12));
    mkdirSync(legacy, { recursive: true });
    writeFileSync(join(legacy, 'spool-w0-p12345-abc.0.jsonl'), '{"r":"x"}\n');
    writeFileSync(join(legacy, 'spool-w0-p12345-abc.ckpt'), '{"seq":0,"off":0}\n');

    const dir = prepareSpoolDir(data, url);
    expect(dir).toBe(spoolDirFor(data, url));
    expect(readdirSync(dir).sort()).toEqual(['spool-w0-p12345-abc.0.jsonl', 'spool-w0-p12345-abc.ckpt']);
    expect(existsSync(legacy)).toBe(false);
    // Idempotent: a second start (or another worker) finds nothing left to move.
    expect(prepareSpoolDir(data, url)).toBe(dir);
    expect(readdirSync(join(data, 'spool'))).toHaveLength(1);
  });
});
