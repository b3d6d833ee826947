import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerConsole } from '../server/http/console.ts';
import { killStarted, serveCli, startCli } from './support/cli.ts';
import { type Running, startSimulator } from './support/sandbox.ts';

/**
 * The lived-in demo world (POST /__sim/world, `ax-sim seed --world`, `ax-sim serve --world`), the
 * banner's console links, and /console with and without a build.
 */

let sim: Running;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});
afterEach(killStarted);

/** What a world holds, without the date-times that follow the real clock. */
async function contentsOf(s: Running, channel: 'client' | 'other') {
  const c = s[channel];
  const orders = (await c.listSimOrders()).data.orders.map((o) => ({
    code: o.ax_order_code,
    channel: o.channel_order_code,
    product: o.product_code,
    quantity: o.quantity,
    status: o.ax_order_status,
    tickets: o.tickets.map((t) => `${t.ax_ticket_code} ${t.ax_ticket_status}`),
  }));
  const refunds = (await c.listSimRefunds()).data.refunds.map((r) => [
    r.ax_ticket_code,
    r.channel_refunded_price,
    r.expected_refund_amount,
    r.matches_policy,
  ]);
  const reviews = (await c.listSimReviews()).data.reviews.map((r) => [r.review_code, r.score, r.title]);
  const questions = (await c.listSimQuestions()).data.questions.map((q) => [q.question_code, q.answer?.body]);
  return { orders, refunds, reviews, questions };
}

describe('the demo world', () => {
  it('holds every order status on past and future dates, used tickets, partial cancels, refunds that match and that do not, reviews, answered and open questions, and a latest-list entry', async () => {
    const summary = await sim.client.seedWorld({ body: { seed: 1 } });
    expect(summary.data).toMatchObject({ seed: 1, reviews: 5, questions: 5 });
    const { orders, refunds, questions } = await contentsOf(sim, 'client');
    expect(orders).toHaveLength(summary.data.orders);
    expect(new Set(orders.map((o) => o.status))).toEqual(
      new Set([
        'New',
        'Supplier pending',
        'Supplier confirm',
        'Supplier reject',
        'Traveler cancel',
        'Unavoidable cancel',
      ]),
    );
    const tickets = orders.flatMap((o) => o.tickets.map((t) => t.split(' ').slice(1).join(' ')));
    expect(new Set(tickets)).toEqual(new Set(['New', 'Used', 'Traveler canceled', 'Supplier canceled']));
    // A partial cancel: an order still on, with a ticket the traveller cancelled.
    expect(
      orders.some(
        (o) => o.status !== 'Traveler cancel' && o.tickets.some((t) => t.endsWith('Traveler canceled')),
      ),
    ).toBe(true);
    expect(refunds.filter((r) => r[3] === true).length).toBeGreaterThan(0);
    expect(refunds.filter((r) => r[3] === false).length).toBeGreaterThan(0);
    expect(questions.filter((q) => q[1] === undefined).length).toBeGreaterThan(0);
    expect(questions.filter((q) => typeof q[1] === 'string').length).toBeGreaterThan(0);

    const { now } = (await sim.client.getClock()).data;
    const dates = (await sim.client.listSimOrders()).data.orders.map((o) => o.inventory_at);
    expect(dates.some((d) => d < now)).toBe(true);
    expect(dates.some((d) => d > now)).toBe(true);
    const latest = (await sim.client.listSimProducts({ query: { latest: true } })).data;
    expect(latest.count).toBe(1);
    expect(latest.products[0]).toMatchObject({ version: 2, registered_version: 1, in_latest_list: true });
  });

  it('is the same world for the same seed, in any sandbox; another seed gives another', async () => {
    await sim.client.seedWorld({ body: { seed: 7 } });
    await sim.other.seedWorld({ body: { seed: 7 } });
    const a = await contentsOf(sim, 'client');
    const b = await contentsOf(sim, 'other');
    // Codes derive from the channel too; the rest is the same world.
    const strip = (w: typeof a) => ({
      ...w,
      orders: w.orders.map(({ code: _, tickets, ...o }) => ({
        ...o,
        tickets: tickets.map((t) => t.split(' ')[1]),
      })),
      refunds: w.refunds.map((r) => r.slice(1)),
      reviews: w.reviews.map((r) => r.slice(1)),
    });
    expect(strip(b)).toEqual(strip(a));
    await sim.client.seedWorld({ body: { seed: 7 } });
    expect(await contentsOf(sim, 'client')).toEqual(a);
    await sim.client.seedWorld({ body: { seed: 8 } });
    expect(strip(await contentsOf(sim, 'client'))).not.toEqual(strip(a));
  });

  it('ax-sim seed --world fills a data folder; serve then shows it and prints a console link per channel', async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'ax-sim-world-'));
    const seeded = startCli(['seed', '--world', '--world-seed', '3', '--data', data]);
    expect((await seeded.exited).code).toBe(0);
    expect(seeded.stdout()).toMatch(
      /^demo-channel: world 3 — \d+ orders, 5 refunds, 5 reviews, 5 questions/m,
    );
    const server = await serveCli(['--data', data]);
    expect(server.stdout()).toContain(`/console#key=demo-key\n`);
    expect(server.stdout()).toContain(`/console#key=demo-key-2\n`);
    const orders = await fetch(`${server.baseUrl}/__sim/orders`, {
      headers: { authorization: 'Token demo-key-2' },
    });
    expect(((await orders.json()) as { orders: unknown[] }).orders.length).toBeGreaterThan(20);
  });

  it('ax-sim serve --world fills empty sandboxes only', async () => {
    const server = await serveCli(['--data', ':memory:', '--world']);
    const orders = await fetch(`${server.baseUrl}/__sim/orders`, {
      headers: { authorization: 'Token demo-key' },
    });
    expect(((await orders.json()) as { orders: unknown[] }).orders.length).toBeGreaterThan(20);
  });
});

describe('/console', () => {
  it('without a build, says how to make one', async () => {
    const app = Fastify();
    registerConsole(app, path.join(tmpdir(), 'no-such-console-build'));
    const page = await app.inject({ method: 'GET', url: '/console' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('npm run build:console');
    await app.close();
  });

  it('serves a build with a same-origin-only policy, hashed assets for a year, nothing outside the build', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ax-sim-console-'));
    mkdirSync(path.join(dir, 'assets'));
    mkdirSync(path.join(dir, '.vite'));
    writeFileSync(path.join(dir, '.vite', 'manifest.json'), '{}');
    writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html><script src="/console/assets/app-1.js"></script>',
    );
    writeFileSync(path.join(dir, 'assets', 'app-1.js'), 'console.log(1)');
    const app = Fastify();
    registerConsole(app, `${dir}${path.sep}`);
    for (const url of ['/console']) {
      const page = await app.inject({ method: 'GET', url });
      expect(page.statusCode, url).toBe(200);
      expect(page.body).toContain('app-1.js');
      expect(page.headers['content-security-policy']).toContain("default-src 'self'");
      expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    }
    const script = await app.inject({ method: 'GET', url: '/console/assets/app-1.js' });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toContain('immutable');
    for (const url of [
      '/console/assets/..%2F..%2Fpackage.json',
      '/console/assets/..%2Findex.html',
      '/console/assets/nope.js',
    ]) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
    await app.close();
  });
});
