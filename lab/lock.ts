// An exclusive lock across processes, held by a `flock` child: the kernel drops it when the
// holder dies, so an interrupted run never leaves a stale lock behind.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_DIR } from './paths.js';
import { LabError } from './run.js';

/** Waits for the lock; returns the function that releases it. */
export async function acquireLock(name: string, log: (s: string) => void): Promise<() => void> {
  mkdirSync(LOCK_DIR, { recursive: true });
  const file = join(LOCK_DIR, `${name}.lock`);
  // `cat` holds the lock until we close its stdin (or this process dies and the pipe closes).
  const holder = spawn('flock', ['--exclusive', file, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const waiting = setTimeout(() => log(`waiting for ${file} (another tsplay lab user holds it)`), 1000);
  try {
    await new Promise<void>((resolve, reject) => {
      let stderr = '';
      holder.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      holder.stdout.once('data', () => resolve());
      holder.on('error', reject);
      holder.on('close', (code) => reject(new LabError(`cannot lock ${file}: flock exited ${code} ${stderr.trim()}`)));
    });
  } finally {
    clearTimeout(waiting);
  }
  return () => holder.stdin.end();
}

export async function withLock<T>(name: string, log: (s: string) => void, fn: () => Promise<T>): Promise<T> {
  const release = await acquireLock(name, log);
  try {
    return await fn();
  } finally {
    release();
  }
}
