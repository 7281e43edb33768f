import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictResponse } from '../src/schema/api.js';
import { chromiumPath, readGoldens, shippedVersion, type GoldenRow } from './support/env.js';
import { readLogRows } from './support/log-rows.js';
import { startTestServer, type TestServer } from './support/server.js';

// Skips with a reason when /usr/bin/chromium is missing; under CI=true it throws instead.
const chrome = chromiumPath();

describe.skipIf(chrome.skip !== undefined)(`/docs in headless Chromium${chrome.skip ? ` (skipped: ${chrome.skip})` : ''}`, () => {
  let server: TestServer;
  let browser: Browser;
  let golden: GoldenRow;

  beforeAll(async () => {
    golden = readGoldens((await shippedVersion()).dir)[3]!;
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: chrome.path!,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('loads offline (every request to this server) and makes a prediction through the page', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    await page.goto(`${server.url}/docs`);
    const op = page.locator('#operations-predict-post_predict');
    await op.locator('.opblock-summary').click();
    const tryIt = op.locator('button.try-out__btn');
    if ((await tryIt.count()) > 0 && (await tryIt.innerText()).trim() === 'Try it out') await tryIt.click();
    await op.locator('textarea.body-param__text').fill(JSON.stringify({ data: golden.input }, null, 2));
    await op.locator('button.execute').click();
    const status = op.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 15_000 });
    expect((await status.innerText()).trim()).toBe('200');
    const text = await op.locator('.live-responses-table .response-col_description .microlight').first().innerText();
    const body = JSON.parse(text) as PredictResponse;
    expect(body.customer_id).toBe(golden.input.customer_id);
    expect(body.predict).toBe(golden.class);
    expect(Math.abs(body.confidence - Math.max(...golden.probability))).toBeLessThanOrEqual(1e-9);

    expect(errors).toEqual([]);
    const origin = new URL(server.url).origin;
    expect(requested.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);
    expect(requested).toContain(`${origin}/openapi.json`);
    await page.screenshot({ path: `${server.dataDir}/docs.png`, fullPage: false });

    await server.log.flush();
    const rows = await readLogRows(server.config.logDb);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.features).toEqual(golden.input);
  });
});
