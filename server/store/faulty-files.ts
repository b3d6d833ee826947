import type { FileHandle } from 'node:fs/promises';
import { type FileOps, nodeFileOps } from './file-ops.ts';

/**
 * A `FileOps` that fails on purpose, for tests: each armed fault names an operation (and optionally a
 * file pattern), lets `skip` matching calls through, then fails the next `times` of them the way a full
 * or broken disk does — ENOSPC/EIO, or a short write (half the bytes written, then ENOSPC on the rest).
 * Disarming it is "space came back".
 */
export type FaultPoint = 'open' | 'write' | 'datasync' | 'sync' | 'truncate' | 'rename' | 'unlink';

export interface FileFault {
  point: FaultPoint;
  file?: RegExp;
  /** Matching calls let through before the fault fires. */
  skip?: number;
  /** How many matching calls fail once it fires (default: every one, until disarmed). */
  times?: number;
  /** `short`: a write writes half of its bytes first (later calls fail with ENOSPC). Default ENOSPC. */
  kind?: 'ENOSPC' | 'EIO' | 'short';
}

export class FaultyFiles implements FileOps {
  private faults: Array<FileFault & { seen: number; fired: number }> = [];
  /** Calls per operation, to enumerate the points a scenario passes through. */
  readonly calls: Record<FaultPoint, number> = {
    open: 0,
    write: 0,
    datasync: 0,
    sync: 0,
    truncate: 0,
    rename: 0,
    unlink: 0,
  };
  /** How many calls failed on purpose. */
  failures = 0;
  private readonly base: FileOps;

  constructor(base: FileOps = nodeFileOps) {
    this.base = base;
  }

  arm(fault: FileFault): void {
    this.faults.push({ ...fault, seen: 0, fired: 0 });
  }

  disarm(): void {
    this.faults = [];
  }

  async open(file: string, flags: 'a' | 'w' | 'r'): Promise<FileHandle> {
    this.check('open', file);
    return this.wrap(await this.base.open(file, flags), file);
  }

  async rename(from: string, to: string): Promise<void> {
    this.check('rename', from);
    return this.base.rename(from, to);
  }

  async unlink(file: string): Promise<void> {
    this.check('unlink', file);
    return this.base.unlink(file);
  }

  /** Throws when an armed fault fires for this call; returns the fault's kind when it is a short write. */
  private check(point: FaultPoint, file: string): 'short' | undefined {
    this.calls[point]++;
    for (const fault of this.faults) {
      if (fault.point !== point || (fault.file && !fault.file.test(file))) continue;
      fault.seen++;
      if (fault.seen <= (fault.skip ?? 0)) continue;
      if (fault.fired >= (fault.times ?? Number.POSITIVE_INFINITY)) continue;
      fault.fired++;
      this.failures++;
      if (fault.kind === 'short' && point === 'write' && fault.fired === 1) return 'short';
      const code = fault.kind === 'EIO' ? 'EIO' : 'ENOSPC';
      throw Object.assign(new Error(`${code}: injected fault, ${point} '${file}'`), {
        code,
        syscall: point,
        path: file,
      });
    }
    return undefined;
  }

  private wrap(handle: FileHandle, file: string): FileHandle {
    const faulty = this;
    return new Proxy(handle, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property === 'write') {
          return async (buffer: Buffer, offset = 0, length = buffer.length - offset) => {
            if (faulty.check('write', file) === 'short') {
              const half = Math.max(1, Math.floor(length / 2));
              return target.write(buffer, offset, Math.min(half, length));
            }
            return target.write(buffer, offset, length);
          };
        }
        if (property === 'datasync' || property === 'sync' || property === 'truncate') {
          return async (...args: unknown[]) => {
            faulty.check(property, file);
            return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}
