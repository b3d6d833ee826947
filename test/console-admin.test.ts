import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsoleIfStale } from './support/console-build.ts';
import { type Running, startSimulator } from './support/sandbox.ts';
import { launchChromium } from './support/services.ts';

/**
 * The console on a simulator started with an admin key (`--admin-key`): every control call needs
 * `X-Sim-Admin`, so the console asks for that key too and sends it on control calls only.
 */

const ADMIN = 'console-admin-key-0123456789';

const browser: Browser | string = await launchChromium();
const skip = typeof browser === 'string' ? browser : false;

let sim: Running;

/** A fresh tab, with the channel API calls it makes and what went wrong on it. */
async function tab() {
  const page: Page = await (browser as Browser).newPage();
  const errors: string[] = [];
  const calls: Array<{ path: string; admin: string | undefined }> = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/__sim/') || url.pathname.startsWith('/v1/')) {
      calls.push({ path: url.pathname, admin: request.headers()['x-sim-admin'] });
    }
  });
  return { page, errors, calls };
}

describe.skipIf(skip)('console with an admin key', () => {
  beforeAll(async () => {
    buildConsoleIfStale();
    sim = await startSimulator({ adminKey: ADMIN });
  }, 120_000);

  afterAll(async () => {
    await (browser as Browser).close();
    await sim?.close();
  });

  it('refuses the API key alone, saying that an admin key may be needed', async () => {
    const { page } = await tab();
    await page.goto(`${sim.baseUrl}/console`);
    await page.getByLabel('API key').fill('demo-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('--admin-key');
    await page.close();
  });

  it('signs in with both keys from the form and sends X-Sim-Admin on control calls', async () => {
    const { page, errors, calls } = await tab();
    await page.goto(`${sim.baseUrl}/console`);
    await page.getByLabel('API key').fill('demo-key');
    await page.getByLabel('Admin key').fill(ADMIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('header .channel').textContent()).toBe('demo-channel');
    await expect.poll(() => page.locator('header .live').textContent()).toBe('● live');
    const control = calls.filter((c) => c.path.startsWith('/__sim/'));
    expect(control.length).toBeGreaterThan(2);
    expect(control.every((c) => c.admin === ADMIN)).toBe(true);
    expect(calls.filter((c) => c.path.startsWith('/v1/')).every((c) => c.admin === undefined)).toBe(true);
    // The curl shown for the last action names the admin header, so it can be pasted as is.
    await page.getByRole('tab', { name: 'Clock' }).click();
    await page.getByRole('tabpanel').getByRole('button', { name: 'Advance 1 min' }).click();
    await expect.poll(() => page.locator('.last-call code').textContent()).toContain(`X-Sim-Admin: ${ADMIN}`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('signs in by link with #key=…&admin=…, and both keys leave the address bar', async () => {
    const { page, errors } = await tab();
    await page.goto(`${sim.baseUrl}/console#key=demo-key-2&admin=${encodeURIComponent(ADMIN)}`);
    await expect.poll(() => page.locator('header .channel').textContent()).toBe('demo-channel-2');
    expect(page.url()).not.toContain(ADMIN);
    expect(page.url()).not.toContain('demo-key-2');
    // A reload keeps the tab signed in.
    await page.reload();
    await expect.poll(() => page.locator('header .channel').textContent()).toBe('demo-channel-2');
    expect(errors).toEqual([]);
    await page.close();
  });
});
