import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAxCloudClient } from '../client/index.ts';
import { killStarted, runCli, serveCli } from './support/cli.ts';
import { clientCaller, lineOf, orderableEntries, orderBody, register } from './support/sandbox.ts';

/**
 * Bad data on disk, through the real `ax-sim serve`: a file it cannot read stops the start with a
 * message naming that file and a non-zero exit code, and the folder is left exactly as it was — no file
 * changed, none added or removed.
 */

afterEach(killStarted);

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const PRODUCT = '00000000-0000-4000-8000-000000000004';

/** A data folder written by a real server: registrations and three orders, shut down cleanly. */
let template: string;
beforeAll(async () => {
  template = mkdtempSync(path.join(tmpdir(), 'ax-sim-bad-template-'));
  folders.push(template);
  const server = await serveCli(['--data', template]);
  const client = createAxCloudClient({ baseUrl: server.baseUrl, apiKey: 'demo-key', retries: 0 });
  const product = await register(clientCaller(client), 'tour', PRODUCT);
  const entries = await orderableEntries(clientCaller(client), product, { pageSize: 10 });
  for (let i = 0; i < 3; i++) {
    await client.createTourOrder({
      body: orderBody({ ...lineOf(product, entries[i]!), channelOrderId: `bad-data-${i}` }),
    });
  }
  await client.close();
  server.child.kill('SIGTERM');
  expect((await server.exited).code).toBe(0);
}, 60_000);

function copyOfTemplate(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ax-sim-bad-'));
  folders.push(dir);
  for (const name of readdirSync(template))
    writeFileSync(path.join(dir, name), readFileSync(path.join(template, name)));
  return dir;
}

/** Every entry of the folder with a hash of its bytes (folders as "dir"). */
function fingerprint(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir).map((name) => {
      const file = path.join(dir, name);
      return [
        name,
        statSync(file).isDirectory() ? 'dir' : createHash('sha256').update(readFileSync(file)).digest('hex'),
      ];
    }),
  );
}

async function expectRefusal(args: string[], file: string, message: RegExp, folder: string) {
  const before = fingerprint(folder);
  const result = await runCli(['serve', '--port', '0', ...args]);
  expect(result.code, result.stdout + result.stderr).not.toBe(0);
  expect(result.code).not.toBeNull();
  expect(result.stdout).not.toContain('listening on');
  expect(result.stderr).toContain(file);
  expect(result.stderr).toMatch(message);
  expect(fingerprint(folder)).toEqual(before);
  return result;
}

describe('bad data on disk stops `ax-sim serve`', () => {
  it('the template itself starts fine (the cases below differ from it by one file)', async () => {
    const dir = copyOfTemplate();
    expect(readFileSync(path.join(dir, 'demo-channel.journal'), 'utf8').split('\n').length).toBeGreaterThan(
      3,
    );
    const server = await serveCli(['--data', dir]);
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });

  it('refuses a journal damaged in the middle', async () => {
    const dir = copyOfTemplate();
    const file = path.join(dir, 'demo-channel.journal');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"New"', '"Old"');
    writeFileSync(file, lines.join('\n'));
    await expectRefusal(['--data', dir], file, /line 2 is damaged/, dir);
  });

  it('refuses a journal of garbage bytes, with or without line breaks', async () => {
    for (const garbage of [
      Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x13, 0x37, 0x80, 0x81]),
      Buffer.from('\u0000\u0001garbage\nmore garbage\n\u00ff'),
      Buffer.from('PK\u0003\u0004 not a journal at all'),
    ]) {
      const dir = copyOfTemplate();
      const file = path.join(dir, 'demo-channel.journal');
      writeFileSync(file, garbage);
      await expectRefusal(['--data', dir], file, /line 1 is damaged/, dir);
    }
  });

  it('refuses garbage appended after intact records of the second channel', async () => {
    const dir = copyOfTemplate();
    const file = path.join(dir, 'demo-channel-2.journal');
    writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.from('#!/bin/sh\nrm -rf /\n')]));
    await expectRefusal(['--data', dir], file, /is damaged/, dir);
  });

  it('refuses a snapshot that is valid JSON of the wrong shape', async () => {
    for (const content of [
      '[]',
      '{"hello": "world"}',
      '{"format": "ax-sim-channel/1", "seq": 0, "state": {"orders": []}}',
      '{"format": "ax-sim-channel/1", "seq": 0, "state": {"meta": {"meta": {"channel": 1}}}}',
    ]) {
      const dir = copyOfTemplate();
      const file = path.join(dir, 'demo-channel.json');
      writeFileSync(file, content);
      await expectRefusal(['--data', dir], file, /is not an ax-sim-channel\/2 snapshot/, dir);
    }
  });

  it('refuses a snapshot it cannot read (a folder in its place)', async () => {
    const dir = copyOfTemplate();
    const file = path.join(dir, 'demo-channel-2.json');
    rmSync(file);
    mkdirSync(file);
    await expectRefusal(['--data', dir], file, /cannot be read/, dir);
  });

  it('refuses a snapshot of another catalogue', async () => {
    const dir = copyOfTemplate();
    await expectRefusal(
      ['--data', dir, '--seed', '7'],
      path.join(dir, 'demo-channel.json'),
      /catalogue/,
      dir,
    );
  });

  it('refuses a data path that is a file, not a folder', async () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'ax-sim-bad-file-'));
    folders.push(parent);
    const file = path.join(parent, 'data');
    writeFileSync(file, 'not a folder');
    await expectRefusal(['--data', file], file, /is a file, not a folder/, parent);
    expect(readFileSync(file, 'utf8')).toBe('not a folder');
  });
});
