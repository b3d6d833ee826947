import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type AxCloudClient, createAxCloudClient } from '../client/index.ts';
import { killStarted, serveCli } from './support/cli.ts';
import { clientCaller, lineOf, orderableEntries, orderBody, register } from './support/sandbox.ts';

/**
 * Graceful shutdown of the real `ax-sim serve`: on SIGTERM or SIGINT it stops accepting connections,
 * finishes the requests in flight with their normal answers, flushes the last commit and exits 0 — and a
 * restart finds every write that was acknowledged.
 */

afterEach(killStarted);

const PRODUCT = '00000000-0000-4000-8000-000000000004';
const DELAY_MS = 1_500;

async function prepare(client: AxCloudClient) {
  const product = await register(clientCaller(client), 'tour', PRODUCT);
  const entries = await orderableEntries(clientCaller(client), product, { pageSize: 20 });
  return {
    body: (i: number) =>
      orderBody({ ...lineOf(product, entries[i % entries.length]!), channelOrderId: `shutdown-${i}` }),
  };
}

describe('graceful shutdown', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal}: in-flight requests get their normal answers, the process exits 0, the writes survive`, async () => {
      const data = mkdtempSync(path.join(tmpdir(), 'ax-sim-shutdown-'));
      const server = await serveCli(['--data', data]);
      const client = createAxCloudClient({
        baseUrl: server.baseUrl,
        apiKey: 'demo-key',
        retries: 0,
        timeoutMs: 10_000,
      });
      const { body } = await prepare(client);
      // Every channel request waits 1.5 s before it runs: slow requests to be in flight.
      // A rule fires (and counts down) when a request arrives: `remaining` tells how many are in flight.
      const TIMES = 100;
      await client.putFaults({
        body: { rules: [{ id: 'slow', path: '/v1/channel/**', delayMs: DELAY_MS, times: TIMES }] },
      });
      const started = Date.now();
      let finished = 0;
      const orders = Array.from({ length: 6 }, (_, i) =>
        client.createTourOrder({ body: body(i) }).finally(() => {
          finished ||= Date.now();
        }),
      );
      const reads = Array.from({ length: 3 }, () =>
        client.getTourInventory({ path: { product_code: PRODUCT }, query: { page_size: 1 } }),
      );
      while ((await client.getFaults()).data.rules[0]?.remaining !== TIMES - 9) await sleep(20);
      server.child.kill(signal);

      // New connections are refused while the in-flight requests are still running.
      let refusedAt = 0;
      while (!refusedAt && Date.now() - started < 5_000) {
        const late = createAxCloudClient({
          baseUrl: server.baseUrl,
          apiKey: 'demo-key',
          retries: 0,
          timeoutMs: 1_000,
        });
        const outcome = await late.getHealth().then(
          () => 'answered',
          (error: Error) => error.name,
        );
        await late.close();
        if (outcome === 'AxCloudNetworkError') refusedAt = Date.now();
        else await sleep(20);
      }
      expect(refusedAt).toBeGreaterThan(0);

      const answers = await Promise.all(orders);
      expect(refusedAt).toBeLessThan(finished);
      for (const answer of answers) {
        expect(answer.status).toBe(201);
        expect(answer.data.data.depth_combinations[0]!.ax_order_status).toBe('New');
      }
      for (const read of await Promise.all(reads)) expect(read.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(DELAY_MS);
      await client.close();

      const exit = await server.exited;
      expect(exit, server.stderr()).toEqual({ code: 0, signal: null });
      expect(server.stdout()).toContain(`${signal}: finishing in-flight requests and closing`);
      expect(server.stderr()).toBe('');

      const again = await serveCli(['--data', data]);
      const check = createAxCloudClient({ baseUrl: again.baseUrl, apiKey: 'demo-key', retries: 0 });
      const stored = (await check.listSimOrders()).data.orders.map((o) => o.ax_order_code);
      for (const answer of answers)
        expect(stored).toContain(answer.data.data.depth_combinations[0]!.ax_order_code);
      expect(stored).toHaveLength(answers.length);
      await check.close();
      again.child.kill('SIGTERM');
      expect((await again.exited).code).toBe(0);
    }, 40_000);
  }
});
