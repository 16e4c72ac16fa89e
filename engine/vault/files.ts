// Reading and writing vault files on the controller: whole-file writes through a temp file
// renamed into place (a crash leaves the old file or the new one, never half of either), new
// files created 0600, existing files keeping their mode.
import { chmodSync, closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';

/** '-' is stdin. */
export function readData(file: string): Buffer {
  return readFileSync(file === '-' ? 0 : file);
}

/** Follows a symlink to the file it names, as ansible-vault does, so the link stays a link. */
export function realFile(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** '-' is stdout. */
export function writeData(file: string, data: Buffer | string, write: (b: Buffer) => void): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (file === '-') return write(bytes);
  let mode = 0o600;
  try {
    mode = statSync(file).mode & 0o7777;
  } catch {
    // a new file: private
  }
  const tmp = join(dirname(file), `.${basename(file)}.tsplay-${process.pid}-${Date.now()}`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    chmodSync(tmp, mode);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** A private temp file (0600 in a 0700 directory) for the editor; `done` removes it. */
export function privateTemp(like: string, content: Buffer): { path: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-vault-'));
  const path = join(dir, `edit${extname(like)}`);
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return {
    path,
    done: () => {
      // Overwrite before removal: the plaintext should not linger in the temp file's blocks.
      try {
        const size = statSync(path).size;
        const w = openSync(path, 'r+');
        writeSync(w, Buffer.alloc(size));
        closeSync(w);
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
