import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator } from '../server/app.ts';
import { type Running, startSimulator } from './support/sandbox.ts';
import { launchChromium } from './support/services.ts';

/**
 * The docs UI in a real browser (Debian's chromium through playwright-core): /docs loads the served
 * document, whose first server is this simulator's own address; Authorize takes `Token demo-key`; "Try it
 * out" on the product list gets a 200 with products, sent to the address the UI offered first — so the
 * served `servers` entry is the address actually serving. The control API is the second document in the
 * selector. And a page on another origin can call the API (CORS, preflight included) unless --no-cors.
 */

let browser: Browser | undefined;
let skipReason: string | undefined;
let sim: Running;

beforeAll(async () => {
  const launched = await launchChromium();
  if (typeof launched === 'string') skipReason = launched;
  else browser = launched;
  sim = await startSimulator();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await sim?.close();
});

describe('the docs UI at /docs', () => {
  it('authorizes with Token demo-key and runs "Try it out" on the product list: 200 with products', async (ctx) => {
    if (!browser) return ctx.skip(skipReason);
    const page = await browser.newPage();
    try {
      await page.goto(`${sim.baseUrl}/docs`);
      // The server selector offers this simulator first, then the vendor's test server — never production.
      const servers = page.locator('.servers select');
      await servers.waitFor({ timeout: 30_000 });
      const offered = await servers.locator('option').allTextContents();
      expect(offered[0]).toContain(sim.baseUrl);
      expect(offered.join(' ')).toContain('https://test.ax-cloud.com');
      expect(offered.join(' ')).not.toContain('prod.ax-cloud.com');
      expect(await servers.inputValue()).toBe(sim.baseUrl);

      // Authorize: the dialog says what to type.
      await page.locator('button.authorize').first().click();
      const dialog = page.locator('.dialog-ux .modal-ux');
      await expect.poll(() => dialog.textContent()).toContain('Token demo-key');
      await dialog.locator('input#api_key_value').first().fill('Token demo-key');
      await dialog.locator('button.modal-btn.authorize').first().click();
      await dialog.locator('button.btn-done').first().click();

      const operation = page.locator('#operations-Products-listTourProducts');
      await operation.locator('.opblock-summary').click();
      await operation.locator('button.try-out__btn').click();
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().startsWith(`${sim.baseUrl}/v1/channel/products/tour`)),
        operation.locator('button.execute').click(),
      ]);
      expect(response.status()).toBe(200);
      expect(response.request().headers().authorization).toBe('Token demo-key');
      const body = (await response.json()) as { products: Array<{ product_code: string }> };
      expect(body.products.length).toBeGreaterThan(0);
      // And the page shows it.
      await expect
        .poll(() =>
          operation.locator('.live-responses-table tbody .response-col_status').first().textContent(),
        )
        .toContain('200');
    } finally {
      await page.close();
    }
  }, 90_000);

  it('offers the control API as a second document in the selector', async (ctx) => {
    if (!browser) return ctx.skip(skipReason);
    const page = await browser.newPage();
    try {
      await page.goto(`${sim.baseUrl}/docs`);
      const selector = page.locator('.topbar select');
      await selector.waitFor({ timeout: 30_000 });
      const documents = await selector.locator('option').allTextContents();
      expect(documents).toEqual(['AX Cloud channel API', 'ax-cloud-sim control API (/__sim)']);
      await selector.selectOption({ label: 'ax-cloud-sim control API (/__sim)' });
      await page.locator('#operations-Health-getHealth').waitFor({ timeout: 30_000 });
      expect(await page.locator('.servers select').inputValue()).toBe(sim.baseUrl);
    } finally {
      await page.close();
    }
  }, 90_000);

  it('lets a page on another origin call the API with its Authorization header (CORS), unless cors is off', async (ctx) => {
    if (!browser) return ctx.skip(skipReason);
    const closed = await buildSimulator({ cors: false });
    await closed.listen({ port: 0, host: '127.0.0.1' });
    const closedUrl = `http://127.0.0.1:${(closed.server.address() as { port: number }).port}`;
    const page = await browser.newPage();
    try {
      // localhost and 127.0.0.1 are different origins: the call below needs a preflight.
      await page.goto(`${sim.baseUrl.replace('127.0.0.1', 'localhost')}/openapi.json`);
      const call = (base: string) =>
        page.evaluate(async (url) => {
          try {
            const response = await fetch(`${url}/v1/channel/products/tour?page_size=1`, {
              headers: { Authorization: 'Token demo-key', 'Content-Type': 'application/json' },
            });
            return {
              status: response.status,
              products: ((await response.json()) as { products: unknown[] }).products.length,
            };
          } catch (error) {
            return { error: String(error) };
          }
        }, base);
      expect(await call(sim.baseUrl)).toEqual({ status: 200, products: 1 });
      expect(await call(closedUrl)).toEqual({ error: expect.stringContaining('Failed to fetch') });
    } finally {
      await page.close();
      await closed.close();
    }
  }, 90_000);
});
