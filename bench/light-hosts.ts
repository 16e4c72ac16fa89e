// Light benchmark hosts: no containers, just the machine's own sshd started once per network
// namespace (tsplay-b1..N) on a private bridge, so that tsplay can be measured against many
// SSH hosts at little cost. Every host shares the machine's file system, so workloads give each
// host its own paths. Everything made here is recorded in a state file so that a run killed
// half-way is cleaned up by the next one (its sshd stopped by recorded pid only).
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const BENCH_BRIDGE = 'tsplayb0';
const SUBNET_PREFIX = '10.214.0.';
const BRIDGE_ADDRESS = `${SUBNET_PREFIX}1`;
/** Host i (1-based) gets 10.214.0.(10 + i). */
const FIRST_OCTET = 10;
export const MAX_LIGHT_HOSTS = 200;
const STATE_DIR = '/run/tsplay-bench';
const STATE_FILE = join(STATE_DIR, 'light-hosts.json');
const SSHD = '/usr/sbin/sshd';
const ROOT_BASHRC = '/root/.bashrc';
const START_TIMEOUT_MS = 15_000;

export interface LightHost {
  name: string;
  address: string;
  namespace: string;
}

export interface LightHosts {
  hosts: LightHost[];
  /** The client key every host accepts for root. */
  keyFile: string;
  knownHostsFile: string;
  /** An inventory (Ansible YAML) of the hosts, as root with the key and known_hosts above. */
  inventoryFile: string;
  /**
   * CPU time the hosts' sshd and everything they ran have used so far, in ms (the listeners'
   * reaped children; a connection's share counts once it has closed).
   */
  cpuMs(): number;
  /** Fails unless every namespace and sshd made here still exists (check before contacting). */
  assertUp(): void;
  stop(): Promise<void>;
}

/** What a run made (kept in STATE_FILE), so that the next run can remove it if this one dies. */
interface Made {
  dir: string;
  namespaces: string[];
  /** sshd pids, each with the config path its command line must name (pids get reused). */
  sshd: { pid: number; config: string }[];
}

const hostName = (i: number) => `b${i}`;
const namespaceOf = (i: number) => `tsplay-b${i}`;
/** The bridge-side end of host i's veth pair. */
const vethOf = (i: number) => `tspb${i}`;

async function ip(args: string[], input?: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = execFile('ip', args, (err, _out, stderr) => (err ? reject(new Error(`ip ${args.join(' ')}: ${stderr.trim() || err.message}`)) : resolve()));
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** ip -batch: each line one command; -force goes on after a failing line (used for removal). */
const ipBatch = (lines: string[], opts: { force?: boolean; namespace?: string } = {}) =>
  ip([...(opts.namespace ? ['-n', opts.namespace] : []), ...(opts.force ? ['-force'] : []), '-batch', '-'], lines.join('\n') + '\n');

function readState(): Made | undefined {
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as Made;
  } catch {
    return undefined;
  }
}

function writeState(r: Made): void {
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(r));
}

function isOurSshd(pid: number, config: string): boolean {
  try {
    // sshd rewrites its command line ("sshd: /usr/sbin/sshd -D -e -f CONFIG [listener] …").
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(config);
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!existsSync(`/proc/${pid}`)) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

/** Stops recorded sshds (by pid), removes namespaces (their veth pairs go with them), bridge, files. */
async function removeAll(r: Made | undefined): Promise<void> {
  if (!r) return;
  for (const { pid, config } of r.sshd) if (isOurSshd(pid, config)) process.kill(pid, 'SIGTERM');
  for (const { pid, config } of r.sshd) {
    if (isOurSshd(pid, config) && !(await waitGone(pid, 2000)) && isOurSshd(pid, config)) process.kill(pid, 'SIGKILL');
  }
  const present = r.namespaces.filter((ns) => existsSync(`/run/netns/${ns}`));
  if (present.length) await ipBatch(present.map((ns) => `netns delete ${ns}`), { force: true });
  // The state is written before the bridge is made: a recorded run may have made it.
  if (existsSync(`/sys/class/net/${BENCH_BRIDGE}`)) await ip(['link', 'delete', BENCH_BRIDGE]);
  rmSync(r.dir, { recursive: true, force: true });
  rmSync(STATE_FILE, { force: true });
}

/** utime, stime, cutime, cstime of a process (gone: undefined). */
function cpuFields(pid: number): number[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ').slice(11, 15).map(Number);
  } catch {
    return undefined;
  }
}

/**
 * The CPU time of a listening sshd's sessions: of the children it has waited for (cutime +
 * cstime), and of every session process still alive with what each has waited for. A session
 * kept open across runs (the connection keeper's) is counted while it lives, not only once it
 * ends.
 */
function sessionsCpuTicks(listener: number): number {
  const parent = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      parent.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const [, , cu = 0, cs = 0] = cpuFields(listener) ?? [];
  let ticks = cu + cs;
  const tree = [listener];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parent) {
      if (ppid !== tree[i]) continue;
      tree.push(pid);
      ticks += (cpuFields(pid) ?? []).reduce((a, b) => a + b, 0);
    }
  }
  return ticks;
}

let ticks: number | undefined;
/** Linux's USER_HZ, the unit of /proc's CPU times. */
export const clockTicks = () => (ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()));

async function keygen(file: string, comment: string): Promise<string> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
  return readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
}

/** Runs fn over the items, `limit` at a time. */
async function limited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

function listening(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: address, port: 22, timeout: 500 });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}

function sshdConfig(dir: string, h: LightHost, authorized: string): string {
  return [
    `ListenAddress ${h.address}`,
    'Port 22',
    `HostKey ${join(dir, `${h.name}_host_ed25519`)}`,
    `AuthorizedKeysFile ${authorized}`,
    `PidFile ${join(dir, `${h.name}.pid`)}`,
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'MaxSessions 10',
    'LogLevel ERROR',
    '',
  ].join('\n');
}

/**
 * Starts `count` light hosts (needs root). Stale state of an earlier run is removed first; on any
 * failure everything made so far is removed before the error is thrown.
 */
export async function startLightHosts(count: number, log: (s: string) => void = () => undefined): Promise<LightHosts> {
  if (process.getuid?.() !== 0) throw new Error('light hosts need root (network namespaces, sshd)');
  if (!Number.isInteger(count) || count < 1 || count > MAX_LIGHT_HOSTS) throw new Error(`light hosts: count must be 1..${MAX_LIGHT_HOSTS}`);
  await removeAll(readState());
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-bench-hosts-'));
  const hosts: LightHost[] = Array.from({ length: count }, (_, k) => ({
    name: hostName(k + 1),
    address: SUBNET_PREFIX + (FIRST_OCTET + k + 1),
    namespace: namespaceOf(k + 1),
  }));
  // Someone else's (a lab host named bN has the namespace tsplay-bN): never ours to remove.
  const taken = hosts.find((h) => existsSync(`/run/netns/${h.namespace}`));
  if (taken || existsSync(`/sys/class/net/${BENCH_BRIDGE}`)) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`light hosts: ${taken ? `the network namespace ${taken.namespace}` : `the bridge ${BENCH_BRIDGE}`} exists and is not the benchmark's`);
  }
  const made: Made = { dir, namespaces: hosts.map((h) => h.namespace), sshd: [] };
  writeState(made);
  const children: ChildProcess[] = [];
  try {
    const keyFile = join(dir, 'client_ed25519');
    await keygen(keyFile, 'tsplay-bench-client');
    const authorized = join(dir, 'authorized_keys');
    writeFileSync(authorized, readFileSync(`${keyFile}.pub`), { mode: 0o644 });
    const hostKeys = new Map<string, string>();
    await limited(hosts, 8, async (h) => void hostKeys.set(h.name, await keygen(join(dir, `${h.name}_host_ed25519`), `tsplay-bench-${h.name}`)));

    await ipBatch([
      `link add ${BENCH_BRIDGE} type bridge`,
      `addr add ${BRIDGE_ADDRESS}/24 dev ${BENCH_BRIDGE}`,
      `link set ${BENCH_BRIDGE} up`,
      ...hosts.flatMap((h, k) => [
        `netns add ${h.namespace}`,
        `link add ${vethOf(k + 1)} type veth peer name eth0 netns ${h.namespace}`,
        `link set ${vethOf(k + 1)} master ${BENCH_BRIDGE} up`,
      ]),
    ]);
    await limited(hosts, 8, (h) => ipBatch([`addr add ${h.address}/24 dev eth0`, 'link set eth0 up', 'link set lo up'], { namespace: h.namespace }));

    // The privilege separation directory; Debian creates it only when its service starts.
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    for (const h of hosts) {
      const config = join(dir, `${h.name}_sshd_config`);
      writeFileSync(config, sshdConfig(dir, h, authorized));
      // `ip netns exec` runs sh in a mount namespace of its own, and sh execs sshd in place: the
      // pid is sshd's, and -D keeps it ours to stop. bash reads ~/.bashrc for every command sshd
      // runs; root's here may hold a developer's setup (pyenv init: about 0.1 s a command), which
      // no managed server has, so the hosts' sessions see an empty one.
      const hide = existsSync(ROOT_BASHRC) ? `mount --bind /dev/null ${ROOT_BASHRC} && ` : '';
      const child = spawn('ip', ['netns', 'exec', h.namespace, 'sh', '-c', `${hide}exec ${SSHD} -D -e -f "$0"`, config], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let errors = '';
      child.stderr!.on('data', (b: Buffer) => (errors = (errors + b.toString('utf8')).slice(-2000)));
      child.once('exit', (code) => code && log(`sshd of ${h.name} exited ${code}: ${errors.trim()}`));
      children.push(child);
      made.sshd.push({ pid: child.pid!, config });
    }
    writeState(made);
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (const [k, h] of hosts.entries()) {
      while (!(await listening(h.address))) {
        if (children[k]!.exitCode !== null || Date.now() > deadline) throw new Error(`sshd of light host ${h.name} (${h.address}) did not start`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    const knownHostsFile = join(dir, 'known_hosts');
    writeFileSync(knownHostsFile, hosts.map((h) => `${h.address} ${hostKeys.get(h.name)}\n`).join(''));
    const inventoryFile = join(dir, 'inventory.yml');
    writeFileSync(inventoryFile, lightInventory(hosts, keyFile, knownHostsFile));
    log(`${count} light hosts up in ${((Date.now() - started) / 1000).toFixed(1)} s (${hosts[0]!.address}..${hosts.at(-1)!.address})`);
    let stopped = false;
    return {
      hosts,
      keyFile,
      knownHostsFile,
      inventoryFile,
      cpuMs: () => made.sshd.reduce((sum, { pid }) => sum + sessionsCpuTicks(pid), 0) * (1000 / clockTicks()),
      assertUp() {
        const missing = hosts.find((h, k) => !existsSync(`/run/netns/${h.namespace}`) || children[k]!.exitCode !== null);
        if (stopped || missing) throw new Error(`light host ${missing?.name ?? ''} is not up: refusing to contact its address`);
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await removeAll(made);
      },
    };
  } catch (e) {
    await removeAll(made);
    throw e;
  }
}

function lightInventory(hosts: LightHost[], keyFile: string, knownHostsFile: string): string {
  return [
    '# Light benchmark hosts (bench/light-hosts.ts): sshd in network namespaces on tsplayb0.',
    'all:',
    '  vars:',
    '    ansible_user: root',
    `    ansible_ssh_private_key_file: ${keyFile}`,
    `    ansible_ssh_known_hosts_file: ${knownHostsFile}`,
    '  hosts:',
    ...hosts.flatMap((h) => [`    ${h.name}:`, `      ansible_host: ${h.address}`]),
    '',
  ].join('\n');
}
