// `tsplay run` as a child process that a test can signal, kill and measure: its own process
// group (so a signal can reach the group, as Ctrl-C in a terminal does), its output, and its
// peak resident memory read from /proc while it runs.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CLI } from './cli.js';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size in bytes (VmHWM), as last read before the exit. */
  peakRss: number;
}

export function startCli(args: string[], cwd: string): { child: ChildProcess; exited: Promise<Exit> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  let peakRss = 0;
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const poll = setInterval(() => {
    try {
      const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (kb) peakRss = Math.max(peakRss, Number(kb[1]) * 1024);
    } catch {
      // exited
    }
  }, 25);
  const exited = new Promise<Exit>((resolve) =>
    child.on('close', (code, signal) => {
      clearInterval(poll);
      resolve({ code, signal, stdout, stderr, peakRss });
    }),
  );
  return { child, exited };
}

export async function waitFor(cond: () => boolean, ms = 20_000, what = 'a condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
