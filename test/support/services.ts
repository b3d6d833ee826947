/**
 * Outside services some tests need: a browser (Debian's chromium, driven by playwright-core) and a
 * PostgreSQL server. Where one is missing the test file skips and prints why — except under CI=true,
 * where a missing service is a failure, so CI never passes by skipping.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

export const CHROMIUM_PATH = process.env.AX_SIM_TEST_CHROMIUM ?? '/usr/bin/chromium';

export const TEST_PG_URL = process.env.AX_SIM_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Says why a service is missing: throws under CI, prints and returns the reason elsewhere. */
export function missingService(what: string, why: string): string {
  const message = `${what} unavailable (${why})`;
  if (IN_CI) throw new Error(`${message}; CI=true, so this fails instead of skipping`);
  process.stderr.write(`skipping: ${message}\n`);
  return message;
}

/** Launches headless chromium, or returns why it cannot (see missingService). */
export async function launchChromium(): Promise<Browser | string> {
  if (!existsSync(CHROMIUM_PATH)) {
    return missingService('browser', `no chromium at ${CHROMIUM_PATH}; apt-get install -y chromium`);
  }
  const { chromium } = await import('playwright-core');
  try {
    return await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (error) {
    return missingService('browser', `chromium did not start: ${(error as Error).message.split('\n')[0]}`);
  }
}
