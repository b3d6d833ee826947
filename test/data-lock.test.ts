import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killStarted, runCli, serveCli } from './support/cli.ts';

/**
 * One server per data folder, with real processes: a second `ax-sim serve` on a folder in use refuses
 * to start, naming the folder and the holder; after the holder is killed with SIGKILL (its lock left
 * behind), the next server takes the folder over and finds every write the first one acknowledged.
 */

afterEach(killStarted);

const H = { authorization: 'Token demo-key', 'content-type': 'application/json' };
const PRODUCT = '00000000-0000-4000-8000-000000000001';

async function ask(baseUrl: string, question: number) {
  const answer = await fetch(`${baseUrl}/v1/channel/question/tour/${PRODUCT}`, {
    method: 'POST',
    headers: H,
    body: JSON.stringify({
      question_code: `q-${question}`,
      title: `question ${question}`,
      is_public: true,
      quested_at: '2026-01-01T10:00:00Z',
    }),
  });
  return answer.status;
}

async function questionCount(baseUrl: string): Promise<number> {
  const answer = await fetch(`${baseUrl}/__sim/questions?limit=1`, { headers: H });
  return ((await answer.json()) as { count: number }).count;
}

describe('data folder lock', () => {
  it('a second server on the folder refuses; after kill -9 of the first, a third takes over with every acknowledged write', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ax-sim-lock-'));
    const first = await serveCli(['--data', dir]);
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => ask(first.baseUrl, i)));
    expect(statuses.filter((s) => s === 201)).toHaveLength(30);

    const second = await runCli(['serve', '--port', '0', '--data', dir]);
    expect(second.code).toBe(1);
    expect(second.stdout).not.toContain('listening');
    expect(second.stderr).toContain(`${dir}: data folder is in use by process ${first.child.pid} on`);
    // The first one is unaffected.
    expect(await ask(first.baseUrl, 100)).toBe(201);

    // Killed without a chance to release its lock.
    first.child.kill('SIGKILL');
    await first.exited;
    const lock = JSON.parse(readFileSync(path.join(dir, '.lock'), 'utf8'));
    expect(lock.pid).toBe(first.child.pid);

    const third = await serveCli(['--data', dir]);
    expect(JSON.parse(readFileSync(path.join(dir, '.lock'), 'utf8')).pid).toBe(third.child.pid);
    expect(await questionCount(third.baseUrl)).toBe(31);
    expect(await ask(third.baseUrl, 200)).toBe(201);
    // A graceful stop releases the lock.
    third.child.kill('SIGTERM');
    await third.exited;
    expect(() => readFileSync(path.join(dir, '.lock'))).toThrow(/ENOENT/);
  }, 90_000);
});
