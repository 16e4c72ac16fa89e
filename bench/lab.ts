// The lab hosts for the benchmark: brought up (or reused) and reserved so that another test
// suite does not reset them while we measure, and made ready for Ansible: python3 (the hosts are
// agentless targets without it; the lab's offline apt cache carries it) and python3-apt for
// Ansible's apt module (not in that cache: the controller's own Debian packages are copied over;
// both are bookworm).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type LabHost } from '../lab/addresses.js';
import { RELEASES, type Release } from '../lab/base-image.js';
import { labCgroups } from '../lab/cgroups.js';
import { assertLabUp, labStatus, labUp, reserveLab } from '../lab/commands.js';
import { sshArgs } from '../lab/keys.js';
import { KNOWN_HOSTS_FILE } from '../lab/paths.js';
import { REPO } from './tools.js';

const run = promisify(execFile);

/** The Debian release the benchmark's lab runs (the controller's own, for python3-apt). */
const BENCH_RELEASE: Release = 'bookworm';
const PYTHON_APT_DEBS = ['python3-apt', 'python-apt-common', 'distro-info-data'];
const DEB_CACHE = '/var/cache/tsplay-bench/debs';

export interface BenchLab {
  release: Release;
  hosts: LabHost[];
  inventoryFile: string;
  knownHostsFile: string;
  pgVersion: string;
  /** CPU time the hosts have used so far (their cgroups' cpu.stat), in ms; undefined without cgroup2. */
  hostsCpuMs(): number | undefined;
  /** Call before each run that contacts the lab's addresses. */
  assertUp(): Promise<void>;
  /** Lets other lab users (test suites that reset the hosts) go on. */
  unreserve(): void;
}

/** Runs a command on a lab host over SSH with the lab's key and known_hosts. */
export function labSshRun(h: LabHost, command: string, input?: Buffer): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', ['-o', 'BatchMode=yes', ...sshArgs(h), command], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/**
 * The lab, up with the benchmark's release and reserved (and ready for Ansible's apt module when
 * Ansible is to run). A lab that another user has up with a different release is not torn down:
 * the benchmark refuses instead.
 */
export async function benchLab(log: (s: string) => void, o: { forAnsible: boolean }): Promise<BenchLab> {
  const status = await labStatus();
  if (status.up && status.release !== BENCH_RELEASE) {
    throw new Error(`the lab is up with ${status.release}; the benchmark needs ${BENCH_RELEASE} (run it when the lab is free: tsplay lab down)`);
  }
  const unreserve = await reserveLab(log);
  try {
    const up = await labUp({ release: BENCH_RELEASE, log });
    await assertLabUp();
    const hosts = up.hosts.map(({ name, address }) => ({ name, address }));
    if (o.forAnsible) await ensurePythonApt(hosts, log);
    return {
      release: BENCH_RELEASE,
      hosts,
      inventoryFile: join(REPO, 'inventory', 'lab.yml'),
      knownHostsFile: KNOWN_HOSTS_FILE,
      pgVersion: RELEASES[BENCH_RELEASE].postgres,
      hostsCpuMs,
      assertUp: assertLabUp,
      unreserve,
    };
  } catch (e) {
    unreserve();
    throw e;
  }
}

function hostsCpuMs(): number | undefined {
  const stats = labCgroups().map((d) => join(d, 'cpu.stat')).filter((f) => existsSync(f));
  if (!stats.length) return undefined;
  return stats.reduce((sum, f) => sum + Number(/^usage_usec (\d+)/m.exec(readFileSync(f, 'utf8'))?.[1] ?? 0), 0) / 1000;
}

function controllerCodename(): string | undefined {
  return /^VERSION_CODENAME=(.*)$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1]?.trim();
}

async function pythonAptDebs(log: (s: string) => void): Promise<string[]> {
  mkdirSync(DEB_CACHE, { recursive: true });
  const have = () => readdirSync(DEB_CACHE).filter((f) => f.endsWith('.deb'));
  if (PYTHON_APT_DEBS.some((p) => !have().some((f) => f.startsWith(`${p}_`)))) {
    log(`downloading ${PYTHON_APT_DEBS.join(', ')} (Debian packages) into ${DEB_CACHE}`);
    await run('apt-get', ['download', ...PYTHON_APT_DEBS], { cwd: DEB_CACHE });
  }
  return have().map((f) => join(DEB_CACHE, f));
}

/** Installs python3 and python3-apt on the hosts that lack them. */
async function ensurePythonApt(hosts: LabHost[], log: (s: string) => void): Promise<void> {
  const missing: LabHost[] = [];
  for (const h of hosts) if ((await labSshRun(h, 'python3 -c "import apt_pkg"')).code !== 0) missing.push(h);
  if (!missing.length) return;
  if (controllerCodename() !== BENCH_RELEASE) throw new Error(`python3-apt for the lab hosts comes from this machine's Debian, which is not ${BENCH_RELEASE}`);
  const debs = await pythonAptDebs(log);
  for (const h of missing) {
    for (const deb of debs) {
      const name = deb.split('/').pop()!;
      const r = await labSshRun(h, `cat > /var/cache/apt/archives/${name}`, readFileSync(deb));
      if (r.code !== 0) throw new Error(`${h.name}: cannot copy ${name}: ${r.stderr}`);
    }
    // Every package is in the host's apt cache now (python3 from the lab's base): no download.
    const r = await labSshRun(h, 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends --no-download python3 python3-apt');
    if (r.code !== 0) throw new Error(`${h.name}: cannot install python3 and python3-apt:\n${r.stdout}\n${r.stderr}`);
    log(`${h.name}: python3 and python3-apt installed (for Ansible)`);
  }
}
