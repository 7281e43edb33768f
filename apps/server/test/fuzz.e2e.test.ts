import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, schemathesis } from './support/schemathesis.js';
import { send, startTestServer, type TestServer } from './support/server.js';

// schemathesis (PyPI) generates requests from /openapi.json: valid ones, and invalid ones that must be refused.
const fuzzer = await schemathesis();
const TOKEN = 'fuzz-admin-token-42';

describe.skipIf(fuzzer.skip !== undefined)(`fuzzing the REST API from its OpenAPI document${fuzzer.skip ? ` (skipped: ${fuzzer.skip})` : ''}`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, { env: { CATSERVE_ADMIN_TOKEN: TOKEN } });
  });
  afterAll(() => server?.dispose());

  const st = (extra: string[]) =>
    run(
      fuzzer.st!,
      ['run', `${server.url}/openapi.json`, '--max-examples', '40', '--seed', '1', '--request-timeout', '5', '--workers', '1', '--no-color', ...extra],
      150_000,
      mkdtempSync(join(tmpdir(), 'catserve-fuzz-')),
    );

  it('finds no 5xx, no hang, no answer outside the document, and every invalid request refused with a 4xx', async () => {
    // Admin operations are excluded here: a random version name is valid input that is rightly refused (422).
    const result = await st(['--checks', 'all', '--exclude-path-regex', '^/admin/']);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/No issues found/);
    console.info(result.output.split('\n').filter((l) => /generated|No issues/.test(l)).join(' | '));
  });

  it('fuzzes the admin routes too: auth enforced, refusals are documented 4xx JSON', async () => {
    const result = await st([
      '--include-path-regex', '^/admin/',
      '--checks', 'all',
      '--exclude-checks', 'positive_data_acceptance',
      '-H', `Authorization: Bearer ${TOKEN}`,
    ]);
    expect(result.code, result.output).toBe(0);
  });

  it('is still serving afterwards', async () => {
    expect((await send(`${server.url}/livez`)).status).toBe(200);
    expect((await send(`${server.url}/readyz`)).status).toBe(200);
  });
});
