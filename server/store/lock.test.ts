import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockFolder, startTicksOf } from './lock.ts';

/** The data folder lock on its own: who holds it, and when a lock left behind may be taken over. */

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'ax-sim-lock-'));

/** A live process that is not this one (its pid runs, it holds nothing). */
function otherProcess(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

const lockOf = (dir: string) => path.join(dir, '.lock');
const writeLock = (dir: string, holder: Record<string, unknown>) =>
  writeFileSync(lockOf(dir), `${JSON.stringify(holder)}\n`);

describe('lockFolder', () => {
  it('records pid, start time and host; released, the file is gone', () => {
    const dir = tempDir();
    const lock = lockFolder(dir);
    const holder = JSON.parse(readFileSync(lockOf(dir), 'utf8'));
    expect(holder).toMatchObject({
      pid: process.pid,
      host: hostname(),
      startTicks: startTicksOf(process.pid),
    });
    lock.release();
    expect(existsSync(lockOf(dir))).toBe(false);
  });

  it('refuses a second lock in the same process', () => {
    const dir = tempDir();
    const lock = lockFolder(dir);
    expect(() => lockFolder(dir)).toThrow(/in use by this process/);
    lock.release();
    lockFolder(dir).release();
  });

  it('refuses while the holder runs, naming the folder and the holder', async () => {
    const child = otherProcess();
    await new Promise((resolve) => child.once('spawn', resolve));
    const dir = tempDir();
    writeLock(dir, { pid: child.pid, startTicks: startTicksOf(child.pid!), host: hostname(), since: 'then' });
    expect(() => lockFolder(dir)).toThrow(
      new RegExp(
        `${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: data folder is in use by process ${child.pid} on`,
      ),
    );
  });

  it.skipIf(startTicksOf(process.pid) === null)(
    'takes over a lock whose pid now belongs to another process (pid reuse: another start time)',
    async () => {
      const child = otherProcess();
      await new Promise((resolve) => child.once('spawn', resolve));
      const dir = tempDir();
      writeLock(dir, {
        pid: child.pid,
        startTicks: startTicksOf(child.pid!)! - 1,
        host: hostname(),
        since: 'then',
      });
      const lock = lockFolder(dir);
      expect(JSON.parse(readFileSync(lockOf(dir), 'utf8')).pid).toBe(process.pid);
      lock.release();
    },
  );

  it('takes over a lock whose process is gone, or a torn one', async () => {
    const child = otherProcess();
    await new Promise((resolve) => child.once('spawn', resolve));
    const pid = child.pid!;
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    for (const content of [
      `${JSON.stringify({ pid, startTicks: 1, host: hostname(), since: 'then' })}\n`,
      '{"pid": 12',
      '',
    ]) {
      const dir = tempDir();
      writeFileSync(lockOf(dir), content);
      const lock = lockFolder(dir);
      expect(JSON.parse(readFileSync(lockOf(dir), 'utf8')).pid, content).toBe(process.pid);
      lock.release();
    }
  });

  it('never takes over a lock from another host', () => {
    const dir = tempDir();
    writeLock(dir, { pid: 999_999_999, startTicks: 1, host: 'elsewhere.example', since: 'then' });
    expect(() => lockFolder(dir)).toThrow(/in use by process 999999999 on elsewhere\.example/);
  });
});
