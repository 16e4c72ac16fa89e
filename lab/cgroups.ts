// One cgroup per host. Without a systemd on the machine, `--keep-unit` makes nspawn split ITS
// OWN cgroup into supervisor/ and payload/: hosts started from one cgroup would share payload/,
// and their systemds would create and delete each other's unit cgroups. So each nspawn starts in
// /tsplay-lab/HOST of the hierarchies systemd uses (cgroup2, and v1 name=systemd if mounted).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { kill } from './processes.js';
import { LabError } from './run.js';

const TOP = 'tsplay-lab';

function hierarchies(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => {
      const [left, right] = line.split(' - ');
      const mountPoint = left?.split(' ')[4];
      const [fsType, , superOptions] = (right ?? '').split(' ');
      const systemdV1 = fsType === 'cgroup' && (superOptions ?? '').split(',').includes('name=systemd');
      return mountPoint && (fsType === 'cgroup2' || systemdV1) ? mountPoint : undefined;
    })
    .filter((m): m is string => m !== undefined);
}

/** Creates the host's cgroups; returns their cgroup.procs files, to move the nspawn into. */
export function createHostCgroups(host: string): string[] {
  return hierarchies().map((h) => {
    const dir = join(h, TOP, host);
    mkdirSync(dir, { recursive: true });
    return join(dir, 'cgroup.procs');
  });
}

/** Removes cgroup dirs deepest first (rmdir works on a cgroup without processes). */
function removeCgroupTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) removeCgroupTree(join(dir, e.name));
  }
  rmdirSync(dir);
}

/** The pids in a cgroup tree: container processes, even those whose nspawn is gone. */
function pidsIn(dir: string): number[] {
  if (!existsSync(dir)) return [];
  const own = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  const below = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).flatMap((e) => pidsIn(join(dir, e.name)));
  return [...own, ...below];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Removes the lab's cgroups (one host's, or all). Processes just killed take a moment to leave;
 * any still there after that (a container that outlived its nspawn) are killed by pid.
 */
export async function removeCgroups(host?: string): Promise<void> {
  for (const h of hierarchies()) {
    const dir = host ? join(h, TOP, host) : join(h, TOP);
    for (let attempt = 0; ; attempt++) {
      try {
        removeCgroupTree(dir);
        break;
      } catch (e) {
        if (attempt >= 30) throw new LabError(`cannot remove cgroup ${dir}: ${(e as Error).message}`);
        if (attempt >= 10) for (const pid of pidsIn(dir)) kill(pid, 'SIGKILL');
        await sleep(100);
      }
    }
  }
}

/** Lab cgroups left on the machine (for the test that `lab down` leaves nothing behind). */
export function labCgroups(): string[] {
  return hierarchies().map((h) => join(h, TOP)).filter((d) => existsSync(d));
}
