import { type FileHandle, open, rename, unlink } from 'node:fs/promises';

/**
 * The few file operations the store's write path uses, behind one seam: the store takes a `FileOps`
 * (Node's by default), and the tests hand it one that fails on purpose (faulty-files.ts) — a short
 * write, ENOSPC or EIO at any append, fsync, rotation or snapshot step — to prove that no failure
 * loses or invents an acknowledged write.
 */
export interface FileOps {
  open(file: string, flags: 'a' | 'w' | 'r'): Promise<FileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
}

export const nodeFileOps: FileOps = {
  open: (file, flags) => open(file, flags),
  rename: (from, to) => rename(from, to),
  unlink: (file) => unlink(file),
};

/** Writes all of `bytes`; a short write is continued (a full disk then fails with ENOSPC). */
export async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    if (bytesWritten <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    offset += bytesWritten;
  }
}

/** Makes a rename in `folder` durable (where the platform allows opening a folder). */
export async function syncFolder(ops: FileOps, folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await ops.open(folder, 'r');
    await handle.sync();
  } catch {
    // Not supported here (e.g. Windows): the rename is still atomic.
  } finally {
    await handle?.close().catch(() => {});
  }
}
