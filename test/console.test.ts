import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AxCloudClient } from '../client/index.ts';
import { buildConsoleIfStale } from './support/console-build.ts';
import {
  clientCaller,
  lineOf,
  orderableEntries,
  orderBody,
  type Running,
  register,
  startSimulator,
} from './support/sandbox.ts';
import { launchChromium } from './support/services.ts';

/**
 * The supplier console in a real browser (Debian's chromium through playwright-core): sign-in, live
 * updates from the event stream, supplier actions, the clock, faults, the journal's curl, and every
 * panel rendered without a console error — with a screenshot of each panel in test-artifacts/console/.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'console');
const MANUAL = '00000000-0000-4000-8000-000000000004';
const DELAYED = '00000000-0000-4000-8000-000000000002';

const browser: Browser | string = await launchChromium();
const skip = typeof browser === 'string' ? browser : false;

let sim: Running;
let context: BrowserContext;
let page: Page;
const errors: string[] = [];

async function prepare(client: AxCloudClient, product: string) {
  const registered = await register(clientCaller(client), 'tour', product);
  const [entry] = await orderableEntries(clientCaller(client), registered, { pageSize: 20, quantity: 3 });
  let n = 0;
  return async () => {
    const created = await client.createTourOrder({
      body: orderBody({ ...lineOf(registered, entry!), channelOrderId: `console-${product}-${++n}` }),
    });
    return created.data.data.depth_combinations[0]!.ax_order_code;
  };
}

function watchErrors(p: Page, into = errors): void {
  p.on('console', (message) => {
    if (message.type() === 'error') into.push(`console: ${message.text()}`);
  });
  p.on('pageerror', (error) => into.push(`page: ${error.message}`));
}

/** The panel on screen (hidden panels are not in the accessibility tree). */
const shown = () => page.getByRole('tabpanel');

async function tab(name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
  await expect.poll(() => page.getByRole('tab', { name }).getAttribute('aria-selected')).toBe('true');
}

describe.skipIf(skip)('supplier console in chromium', () => {
  beforeAll(async () => {
    buildConsoleIfStale();
    mkdirSync(ARTIFACTS, { recursive: true });
    sim = await startSimulator();
    context = await (browser as Browser).newContext({
      viewport: { width: 1400, height: 1000 },
      locale: 'ko-KR',
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: sim.baseUrl });
    page = await context.newPage();
    watchErrors(page);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await (browser as Browser).close();
    await sim?.close();
  });

  it('signs in by link, and the key leaves the address bar', async () => {
    await page.goto(`${sim.baseUrl}/console#key=demo-key`);
    await expect.poll(() => page.locator('header .channel').textContent()).toBe('demo-channel');
    await expect.poll(() => page.locator('header .live').textContent()).toBe('● live');
    expect(page.url()).not.toContain('demo-key');
    // Panels are tabs: the arrow keys move between them.
    await page.getByRole('tab', { name: 'Orders' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Inventory' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Inventory');
    await page.keyboard.press('ArrowLeft');
    expect(await page.getByRole('tab', { name: 'Orders' }).getAttribute('aria-selected')).toBe('true');
  });

  it('signs in with the API key field and the Sign in button; a wrong key is refused', async () => {
    const other = await context.newPage();
    const own: string[] = [];
    watchErrors(other, own);
    await other.goto(`${sim.baseUrl}/console`);
    await other.getByLabel('API key').fill('not-a-key');
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.getByRole('alert').waitFor();
    await other.getByLabel('API key').fill('demo-key-2');
    await other.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => other.locator('header .channel').textContent()).toBe('demo-channel-2');
    // The browser logs the refused key's 403 itself; nothing else may go wrong.
    expect(own).toEqual([
      'console: Failed to load resource: the server responded with a status of 403 (Forbidden)',
    ]);
    await other.close();
  });

  it('shows an order created through the API within 2 s, and Confirm makes get-confirm say Supplier confirm', async () => {
    await tab('Orders');
    const order = await prepare(sim.client, MANUAL);
    const code = await order();
    const row = page.getByRole('row').filter({ hasText: code });
    await row.waitFor({ timeout: 2_000 });
    expect(await row.getByRole('button', { name: 'Supplier cancel' }).isEnabled()).toBe(true);
    await row.getByRole('button', { name: 'Confirm' }).click();
    await expect
      .poll(
        async () =>
          (await sim.client.getTourOrderConfirm({ path: { ax_order_code: code } })).data.data[0]!
            .ax_order_status,
      )
      .toBe('Supplier confirm');
    // Only what the status table allows stays enabled; the call made is shown as curl.
    await expect.poll(() => row.getByRole('button', { name: 'Confirm' }).isDisabled()).toBe(true);
    expect(await row.getByRole('button', { name: 'Unavoidable cancel' }).isEnabled()).toBe(true);
    expect(await row.getByRole('button', { name: 'Pending' }).isDisabled()).toBe(true);
    const curl = await page.locator('.last-call pre').textContent();
    expect(curl).toContain(`curl -X POST '${sim.baseUrl}/__sim/orders/${code}/supplier'`);
    expect(curl).toContain(`-d '{"action":"confirm"}'`);

    await row.getByRole('button', { name: 'Mark used' }).first().click();
    await expect
      .poll(async () => {
        const list = (await sim.client.listSimOrders()).data.orders;
        return list.find((o) => o.ax_order_code === code)?.tickets[0]?.ax_ticket_status;
      })
      .toBe('Used');
  });

  it('advancing the clock 30 min in the console confirms a delayed-confirm order', async () => {
    const order = await prepare(sim.client, DELAYED);
    const code = await order();
    const status = async () =>
      (await sim.client.getTourOrderConfirm({ path: { ax_order_code: code } })).data.data[0]!.ax_order_status;
    expect(await status()).toBe('New');
    await tab('Clock');
    await page.getByRole('button', { name: 'Advance 30 min' }).click();
    await expect.poll(() => page.locator('.last-call pre').textContent()).toContain('"seconds":1800');
    expect(await status()).toBe('Supplier confirm');
  });

  it('a fault rule added in the console makes the next API call fail as configured', async () => {
    await tab('Faults');
    await shown().getByLabel('Method').selectOption('GET');
    await shown().getByLabel('Path').fill('/v1/channel/price/**');
    await shown().getByLabel('Status').fill('418');
    await shown().getByLabel('Answer body (JSON)').fill('{"detail": "주전자입니다 (teapot)"}');
    await shown().getByLabel('Times').fill('1');
    await shown().getByRole('button', { name: 'Add rule' }).click();
    await shown()
      .getByRole('button', { name: /^Remove rule / })
      .waitFor();
    expect(await page.locator('.last-call pre').textContent()).toContain(
      `curl -X PUT '${sim.baseUrl}/__sim/faults'`,
    );
    const price = () =>
      fetch(`${sim.baseUrl}/v1/channel/price/tour/${MANUAL}`, {
        headers: { authorization: 'Token demo-key' },
      });
    const failed = await price();
    expect(failed.status).toBe(418);
    expect(await failed.json()).toEqual({ detail: '주전자입니다 (teapot)' });
    expect((await price()).status).toBe(200);
  });

  it('the journal shows the request, and its Copy as curl command gives the same status when run', async () => {
    const missing = await fetch(`${sim.baseUrl}/v1/channel/orders/tour/no-such-order`, {
      headers: { authorization: 'Token demo-key' },
    });
    expect(missing.status).toBe(404);
    await tab('Journal');
    await shown().getByLabel('Status').fill('404');
    const entry = page.getByRole('button', { name: '/v1/channel/orders/tour/no-such-order' }).first();
    await entry.waitFor({ timeout: 2_000 });
    await entry.click();
    await page.getByRole('button', { name: 'Copy as curl' }).click();
    const curl = await page.evaluate(() => navigator.clipboard.readText());
    expect(curl).toBe(
      `curl '${sim.baseUrl}/v1/channel/orders/tour/no-such-order' -H 'Authorization: Token demo-key'`,
    );
    const { stdout } = await promisify(execFile)('sh', ['-c', `${curl} -s -o /dev/null -w '%{http_code}'`]);
    expect(stdout).toBe('404');
  });

  it('publishes a product version that then shows in the latest list, and answers a question', async () => {
    // MANUAL was registered by the orders test.
    await tab('Catalogue');
    await shown()
      .getByRole('combobox', { name: /^Product/ })
      .selectOption(MANUAL);
    await shown()
      .getByLabel('Sub-title (contents.product_sub_title)')
      .fill('야간 코스 추가 / Night course added');
    await shown().getByLabel('Unit price KRW').first().fill('51000');
    await shown().getByRole('button', { name: 'Publish version' }).click();
    await shown().locator('li').filter({ hasText: 'v2 (registered v1)' }).waitFor({ timeout: 2_000 });
    const updates = (await sim.client.listTourProductUpdates()).data.data;
    expect(JSON.stringify(updates)).toContain(MANUAL);
    const detail = (await sim.client.getTourProduct({ path: { product_code: MANUAL } })).data;
    expect(detail.contents.product_sub_title).toBe('야간 코스 추가 / Night course added');

    await sim.client.createTourQuestion({
      path: { product_code: MANUAL },
      body: {
        question_code: 'console-q-1',
        title: '집합 장소',
        body: '어디서 만나나요?',
        is_public: true,
        quested_at: '2026-03-01 10:00',
      },
    });
    await tab('Questions');
    const box = shown().getByLabel('Answer to 집합 장소');
    await box.waitFor({ timeout: 2_000 });
    await box.fill('광화문역 2번 출구에서 만납니다.');
    // A live refresh while the answer is being written keeps what was typed.
    const before = await shown().locator('table').elementHandle();
    await sim.client.listTourProducts();
    await expect.poll(async () => (await before!.evaluate((t) => t.isConnected)) === false).toBe(true);
    expect(await box.inputValue()).toBe('광화문역 2번 출구에서 만납니다.');
    await shown().getByRole('button', { name: 'Answer' }).click();
    await expect
      .poll(
        async () =>
          (await sim.client.getTourAnswer({ path: { product_code: MANUAL, question_code: 'console-q-1' } }))
            .data.data,
      )
      .toMatchObject({ is_answered: true, answer: { body: '광화문역 2번 출구에서 만납니다.' } });
  });

  it('renders every panel of a lived-in world without a console error (screenshots in test-artifacts/console/)', {
    timeout: 60_000,
  }, async () => {
    const world = await sim.other.raw('POST', '/__sim/world', { body: { seed: 1 } });
    expect(world.status).toBe(200);
    const shots = await context.newPage();
    watchErrors(shots);
    page = shots;
    await shots.goto(`${sim.baseUrl}/console#key=demo-key-2`);
    await expect.poll(() => shots.locator('header .channel').textContent()).toBe('demo-channel-2');
    await sim.other.putFaults({
      body: {
        rules: [{ id: 'slow-prices', method: 'GET', path: '/v1/channel/price/**', delayMs: 1500, times: 5 }],
      },
    });
    // Each panel: wait for what it must show, and act where the screenshot should show an action's curl.
    const checks: Record<string, () => Promise<void>> = {
      Orders: async () => {
        const row = shown().getByRole('row').filter({ hasText: 'DEMO-1-0002' });
        await row.getByRole('button', { name: 'Confirm' }).click();
        await shots.locator('.last-call .what.ok').waitFor();
      },
      Inventory: () => shown().locator('.calendar .day').first().waitFor(),
      Catalogue: () => shown().getByText('— v2 (registered v1)', { exact: false }).waitFor(),
      Questions: () => shown().getByText('Wheelchair access').waitFor(),
      Reviews: () => shown().getByText('가이드 칭찬합니다.').waitFor(),
      Refunds: () => shown().getByText('✗ differs').first().waitFor(),
      Clock: () => shown().getByText('3 d ahead of the real clock', { exact: false }).waitFor(),
      Faults: () => shown().getByRole('button', { name: 'Remove rule slow-prices' }).waitFor(),
      Journal: async () => {
        await shown().getByLabel('Path contains').fill('/refund');
        await shown()
          .getByRole('button', { name: /\/refund$/ })
          .first()
          .click();
        await shown().getByRole('button', { name: 'Copy as curl' }).waitFor();
      },
    };
    for (const [name, check] of Object.entries(checks)) {
      await tab(name);
      await check();
      await shots.screenshot({ path: path.join(ARTIFACTS, `${name.toLowerCase()}.png`), fullPage: false });
    }
    expect(errors).toEqual([]);
  });
});
