import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { DEFAULT_LIMITS, redactUrl, resolveConfig } from './config.js';

function dirWithDotEnv(text?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'catserve-config-'));
  if (text !== undefined) writeFileSync(join(dir, '.env'), text);
  return dir;
}

describe('resolveConfig', () => {
  it('defaults to 127.0.0.1:3000, the models registry and SQLite under ./data', () => {
    const cwd = dirWithDotEnv();
    const c = resolveConfig({}, { env: {}, cwd });
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', name: 'credit_score_classifier', workers: 1, model: undefined });
    expect(c.registry).toBe(join(cwd, 'models'));
    expect(c.dataDir).toBe(join(cwd, 'data'));
    expect(c.logDb).toBe(`sqlite:${join(cwd, 'data', 'predictions.db')}`);
    expect(c.adminToken).toBeUndefined();
    expect(c.limits).toEqual(DEFAULT_LIMITS);
  });

  it('takes flags over the environment over .env', () => {
    const cwd = dirWithDotEnv('PORT=4000\nHOST=0.0.0.0\nLOG_DB_URL=sqlite:dotenv.db\nCATSERVE_ADMIN_TOKEN=from-dotenv\n');
    expect(resolveConfig({}, { env: {}, cwd })).toMatchObject({ port: 4000, host: '0.0.0.0', logDb: 'sqlite:dotenv.db', adminToken: 'from-dotenv' });
    expect(resolveConfig({}, { env: { PORT: '5000' }, cwd }).port).toBe(5000);
    expect(resolveConfig({ port: '6000' }, { env: { PORT: '5000' }, cwd }).port).toBe(6000);
  });

  it("accepts the course's FEATURE_STORE_URL, below LOG_DB_URL", () => {
    const cwd = dirWithDotEnv();
    const course = 'mysql+pymysql://root:root@mariadb:3306/mlops';
    expect(resolveConfig({}, { env: { FEATURE_STORE_URL: course }, cwd }).logDb).toBe(course);
    expect(resolveConfig({}, { env: { FEATURE_STORE_URL: course, LOG_DB_URL: 'sqlite:x.db' }, cwd }).logDb).toBe('sqlite:x.db');
    expect(resolveConfig({ logDb: 'mysql://a@b/c' }, { env: { LOG_DB_URL: 'sqlite:x.db' }, cwd }).logDb).toBe('mysql://a@b/c');
  });

  it('resolves folders against cwd and reads MODEL_DIR, DATA_DIR and the worker count', () => {
    const cwd = dirWithDotEnv();
    const c = resolveConfig({ workers: '3' }, { env: { MODEL_DIR: 'v1', DATA_DIR: 'var/catserve' }, cwd });
    expect(c).toMatchObject({ model: 'v1', workers: 3, dataDir: join(cwd, 'var/catserve') });
    expect(c.logDb).toBe(`sqlite:${join(cwd, 'var/catserve', 'predictions.db')}`);
  });

  it('refuses malformed values with a ConfigError', () => {
    const cwd = dirWithDotEnv();
    expect(() => resolveConfig({ port: 'http' }, { env: {}, cwd })).toThrow(ConfigError);
    expect(() => resolveConfig({ port: '70000' }, { env: {}, cwd })).toThrow(/between 0 and 65535/);
    expect(() => resolveConfig({ workers: '0' }, { env: {}, cwd })).toThrow(/workers/);
    expect(() => resolveConfig({ name: '../etc' }, { env: {}, cwd })).toThrow(/plain folder name/);
  });

  it('reads the spool limit from --spool-limit or LOG_SPOOL_LIMIT, in bytes or with a unit (default 1 GiB)', () => {
    const cwd = dirWithDotEnv();
    expect(resolveConfig({}, { env: {}, cwd }).spoolLimitBytes).toBe(1024 ** 3);
    expect(resolveConfig({ spoolLimit: '1048576' }, { env: {}, cwd }).spoolLimitBytes).toBe(1048576);
    expect(resolveConfig({ spoolLimit: '256MiB' }, { env: {}, cwd }).spoolLimitBytes).toBe(256 * 1024 ** 2);
    expect(resolveConfig({}, { env: { LOG_SPOOL_LIMIT: '2 GiB' }, cwd }).spoolLimitBytes).toBe(2 * 1024 ** 3);
    expect(resolveConfig({}, { env: { LOG_SPOOL_LIMIT: '1.5gib' }, cwd }).spoolLimitBytes).toBe(1.5 * 1024 ** 3);
    expect(resolveConfig({}, { env: { LOG_SPOOL_LIMIT: '500MB' }, cwd }).spoolLimitBytes).toBe(500e6);
    expect(resolveConfig({ spoolLimit: '64KiB' }, { env: { LOG_SPOOL_LIMIT: '2GiB' }, cwd }).spoolLimitBytes).toBe(65536);
    expect(resolveConfig({}, { env: {}, cwd: dirWithDotEnv('LOG_SPOOL_LIMIT=32MiB\n') }).spoolLimitBytes).toBe(32 * 1024 ** 2);
  });

  it('refuses a malformed or unusable spool limit', () => {
    const cwd = dirWithDotEnv();
    expect(() => resolveConfig({ spoolLimit: 'lots' }, { env: {}, cwd })).toThrowErrorMatchingInlineSnapshot(
      `[ConfigError: spool-limit must be a size in bytes or with a unit (KiB, MiB, GiB, KB, MB, GB), got "lots"]`,
    );
    expect(() => resolveConfig({ spoolLimit: '10 furlongs' }, { env: {}, cwd })).toThrow(ConfigError);
    expect(() => resolveConfig({ spoolLimit: '-5MiB' }, { env: {}, cwd })).toThrow(ConfigError);
    expect(() => resolveConfig({ spoolLimit: '1KiB' }, { env: {}, cwd })).toThrowErrorMatchingInlineSnapshot(
      `[ConfigError: spool-limit must be between 16384 and 1099511627776 bytes, got 1024]`,
    );
    expect(() => resolveConfig({}, { env: { LOG_SPOOL_LIMIT: '2TiB' }, cwd })).toThrow(/between/);
  });

  it('hides passwords of log URLs in messages', () => {
    expect(redactUrl('mysql+pymysql://root:secret@db:3306/mlops')).toBe('mysql+pymysql://root:***@db:3306/mlops');
    expect(redactUrl('sqlite:./data/x.db')).toBe('sqlite:./data/x.db');
  });
});
