// `catserve deploy` / `catserve rollback` argument handling and output shape, in process;
// the HTTP side is a real server on 127.0.0.1 with canned answers.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as deploy } from '../src/commands/deploy.js';
import { run as rollback } from '../src/commands/rollback.js';

let server: Server;
let api: string;
let tmp: string;
const seen: string[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'catserve-cli-deploy-'));
  const answers: Record<string, [number, string]> = {
    '/healthz': [200, '{"status":"ok"}'],
    '/metadata': [200, '{"model_version":"v1","creation_time":"2026-01-01T00:00:00.000000Z"}'],
    '/admin/rollback': [
      409,
      '{"error":{"code":"NO_PREVIOUS","message":"there is no previous version to roll back to"}}',
    ],
  };
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
    const [status, body] = answers[req.url ?? ''] ?? [404, '{}'];
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(tmp, { recursive: true, force: true });
});

/** Runs a command, capturing what it writes. */
async function capture(
  fn: () => Promise<number>,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await fn(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('catserve deploy (arguments and output)', () => {
  it('prints its usage with --help and refuses bad flags with exit code 2', async () => {
    const help = await capture(() => deploy(['--help']));
    expect(help.code).toBe(0);
    expect(help.out).toContain('usage: catserve deploy');
    expect((await capture(() => deploy(['--bogus']))).code).toBe(2);
    const badTimeout = await capture(() => deploy(['--timeout', 'soon']));
    expect(badTimeout).toMatchObject({
      code: 2,
      err: expect.stringContaining('--timeout must be a positive number') as unknown,
    });
    const badUrl = await capture(() => deploy(['--api', 'localhost 3000']));
    expect(badUrl).toMatchObject({
      code: 2,
      err: expect.stringContaining('is not a URL') as unknown,
    });
  });

  it('prints each DAG step and the branch, and exits 0 when it skips', async () => {
    const r = await capture(() =>
      deploy(['--api', api, '--registry', join(tmp, 'empty-registry')]),
    );
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter((l) => /^\[\d\/4\]/.test(l))).toEqual([
      `[1/4] get_branch_by_api_status: GET ${api}/healthz`,
      '[2/4] get_deployed_model_creation_time: POST ' + api + '/metadata',
      `[3/4] get_latest_trained_model_creation_time: registry ${join(tmp, 'empty-registry')}, model credit_score_classifier`,
      '[4/4] decide_update → skip_deployment: there is no valid trained model',
    ]);
    expect(r.out).toContain('outcome: skipped');
  });

  it('--json prints one record on stdout (steps go to stderr)', async () => {
    const r = await capture(() =>
      deploy(['--api', api, '--registry', join(tmp, 'empty-registry'), '--json']),
    );
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.out)).toMatchObject({
      apiUp: true,
      deployed: { version: 'v1', creationTime: '2026-01-01T00:00:00.000000Z' },
      latest: null,
      action: 'skip',
      branch: 'skip_deployment',
      reason: 'no_trained_model',
      outcome: 'skipped',
    });
    expect(r.err).toContain('[4/4] decide_update');
  });
});

describe('catserve rollback', () => {
  it('exits 1 with the server reason when there is nothing to roll back to', async () => {
    vi.stubEnv('CATSERVE_ADMIN_TOKEN', 'cli-token');
    try {
      const r = await capture(() => rollback(['--api', api, '--json']));
      expect(r.code).toBe(1);
      expect(JSON.parse(r.out)).toMatchObject({
        outcome: 'failed',
        error: { code: 'NO_PREVIOUS', serverCode: 'NO_PREVIOUS' },
      });
      expect(seen).toContain('POST /admin/rollback Bearer cli-token');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('exits 1 without calling the server when CATSERVE_ADMIN_TOKEN is not set', async () => {
    vi.stubEnv('CATSERVE_ADMIN_TOKEN', '');
    try {
      const before = seen.length;
      const r = await capture(() => rollback(['--api', api]));
      expect(r.code).toBe(1);
      expect(r.out).toContain('CATSERVE_ADMIN_TOKEN is not set');
      expect(seen.length).toBe(before);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
