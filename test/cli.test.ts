import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../fixtures/catalog.ts';
import { main, readChannels } from '../server/cli.ts';
import { startSimulator } from './support/sandbox.ts';

const temp = () => mkdtempSync(path.join(tmpdir(), 'ax-sim-cli-'));

describe('--channels FILE', () => {
  it('reads a list of {code, apiKey}', () => {
    const file = path.join(temp(), 'channels.json');
    writeFileSync(file, JSON.stringify([{ code: 'acme', apiKey: 'acme-secret' }]));
    expect(readChannels(file)).toEqual([{ code: 'acme', apiKey: 'acme-secret' }]);
  });

  it.each([
    ['not JSON', '{', /cannot read channels file/],
    ['an empty list', '[]', /non-empty JSON list/],
    ['a code that is not a file-safe name', '[{"code": "../x", "apiKey": "k"}]', /code must be/],
    ['a key with spaces', '[{"code": "a", "apiKey": "a b"}]', /apiKey must be/],
    ['a repeated key', '[{"code": "a", "apiKey": "k"}, {"code": "b", "apiKey": "k"}]', /repeats/],
  ])('refuses %s, naming the file', (_what, text, message) => {
    const file = path.join(temp(), 'channels.json');
    writeFileSync(file, text);
    expect(() => readChannels(file)).toThrow(message);
    expect(() => readChannels(file)).toThrow(file);
  });

  it('replaces the default channels', async () => {
    const sim = await startSimulator({ channels: [{ code: 'acme', apiKey: 'acme-secret' }] });
    try {
      expect((await sim.client.raw('GET', '/v1/channel/products/tour')).status).toBe(403);
      const acme = await sim.client.raw('GET', '/v1/channel/products/tour', {
        headers: { authorization: 'Token acme-secret', channel: 'Code acme' },
      });
      expect(acme.status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});

describe('ax-sim seed', () => {
  it('writes a fixture file that serve can load', async () => {
    const out = path.join(temp(), 'catalog.json');
    expect(await main(['seed', '--seed', '7', '--tours', '5', '--day-tickets', '3', '--out', out])).toBe(0);
    const catalog = loadCatalogFile(out);
    expect(catalog.products).toHaveLength(8);
    const sim = await startSimulator({ fixtures: out });
    try {
      const list = await sim.client.listTourProducts({ query: { page_size: 100 } });
      expect(list.data.products).toHaveLength(5);
    } finally {
      await sim.close();
    }
    expect(readFileSync(out, 'utf8').length).toBeGreaterThan(1000);
  });

  it('refuses a missing --out and unknown commands', async () => {
    expect(await main(['seed'])).toBe(1);
    expect(await main(['frobnicate'])).toBe(1);
    expect(await main(['seed', '--seed', 'abc', '--out', path.join(temp(), 'x.json')])).toBe(1);
  });
});
