// Measuring processes: wall time from spawn to exit, and peak memory and CPU time (the child's
// maxRSS and user + system time, its waited-for children included, as wait4 reports them, read
// through GNU time), plus medians and a description of the machine.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  wallMs: number;
  /** Peak resident memory of the process (and any children it waited for), in KiB. */
  maxRssKb?: number;
  /** User + system CPU time of the process and the children it waited for, in ms. */
  cpuMs?: number;
  code: number;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Read the peak RSS and CPU time through /usr/bin/time. */
  usage?: boolean;
  timeoutMs?: number;
}

const GNU_TIME = '/usr/bin/time';

/** Runs a command to its end; resolves whatever its exit code (a timeout rejects). */
export async function timed(command: string, args: string[], o: SpawnOptions = {}): Promise<Measured> {
  let usageDir: string | undefined;
  let argv = [command, ...args];
  if (o.usage) {
    if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} is needed to read peak memory and CPU time (apt-get install time)`);
    usageDir = mkdtempSync(join(tmpdir(), 'tsplay-bench-usage-'));
    argv = [GNU_TIME, '-f', '%M %U %S', '-o', join(usageDir, 'usage'), ...argv];
  }
  try {
    const started = process.hrtime.bigint();
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(argv[0]!, argv.slice(1), { cwd: o.cwd, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${argv.join(' ')}: still running after ${o.timeoutMs} ms`));
      }, o.timeoutMs ?? 600_000);
      child.on('error', (e) => (clearTimeout(timer), reject(e)));
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
      });
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (!usageDir) return { wallMs, ...r };
    // The last line (GNU time puts "Command exited with non-zero status N" before it).
    const [rss, user, system] = readFileSync(join(usageDir, 'usage'), 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    return { wallMs, maxRssKb: rss, cpuMs: (user! + system!) * 1000, ...r };
  } finally {
    if (usageDir) rmSync(usageDir, { recursive: true, force: true });
  }
}

/** Fails with the command's output when it did not exit 0. */
export function expectSuccess(what: string, m: Measured): Measured {
  if (m.code !== 0) throw new Error(`${what} exited ${m.code}\n--- stdout (end) ---\n${m.stdout.slice(-4000)}\n--- stderr (end) ---\n${m.stderr.slice(-4000)}`);
  return m;
}

export function median(xs: number[]): number {
  if (!xs.length) throw new Error('median of nothing');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface MachineInfo {
  cpus: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  /** 1-minute load average when the run started: other work on the machine skews the figures. */
  loadAverage: number;
}

export function machineInfo(): MachineInfo {
  return {
    cpus: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
  };
}
