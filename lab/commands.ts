// `tsplay lab …`: real Debian hosts (systemd-nspawn containers booted with systemd) on a
// private bridge of this machine, for trying the playbooks and for the e2e tests.
import { spawn } from 'node:child_process';
import { UsageError } from '../engine/errors.js';
import { allocateAddresses, DEFAULT_HOSTS, type LabHost } from './addresses.js';
import { ensureBase, parseRelease, prepareReleaseHost, type Release } from './base-image.js';
import {
  hostInitPid, prepareHost, removeHostFiles, runningPid, scanHostKeys, sshAnswers, startContainer,
  stopContainer, waitForSsh,
} from './hosts.js';
import { ensureKey, sshArgs } from './keys.js';
import { acquireLock, withLock } from './lock.js';
import {
  addHostNetwork, bridgeExists, createBridge, flushNeighbours, hostLinkUp, netnsExists, routedToBridge, setHostLink,
} from './network.js';
import { baseDir, hostPaths, KNOWN_HOSTS_FILE } from './paths.js';
import { assertRootOnLinux, ensureTools } from './prerequisites.js';
import { exec, LabError, type RunResult } from './run.js';
import { type LabRecord, readLab, writeFileAtomic, writeLab } from './state.js';
import { ensureLabSecrets } from './secrets.js';
import { teardownLab } from './teardown.js';

export interface LabUpOptions {
  release?: string;
  hosts?: string[];
  log?: (s: string) => void;
}

export interface LabHostStatus extends LabHost {
  pid?: number;
  running: boolean;
  /** The host's bridge port is up (false after `lab cut`). */
  linked: boolean;
  ssh: boolean;
  health: 'ok' | 'cut' | 'stopped' | 'no ssh';
}

export interface LabStatus {
  up: boolean;
  release?: Release;
  hosts: LabHostStatus[];
  /** The status as a printable table. */
  text: string;
}

/** Bound on one host's boot (systemd up to sshd listening). */
const BOOT_TIMEOUT_MS = 60_000;

const quiet = () => undefined;
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

async function startHost(h: LabHost, release: Release, authorizedKey: string): Promise<void> {
  await prepareHost(h, baseDir(release), authorizedKey);
  await prepareReleaseHost(release, h.name, hostPaths(h.name).root);
  const pid = startContainer(h);
  await waitForSsh(h, pid, BOOT_TIMEOUT_MS);
}

async function recordHostKeys(hosts: LabHost[]): Promise<void> {
  const lines = (await Promise.all(hosts.map(scanHostKeys))).flat();
  writeFileAtomic(KNOWN_HOSTS_FILE, `${lines.join('\n')}\n`);
}

function sameLab(rec: LabRecord, release: Release, hosts: LabHost[]): boolean {
  return rec.release === release && JSON.stringify(rec.hosts) === JSON.stringify(hosts);
}

/** The running lab, cut hosts healed, if every host answers SSH; undefined if it must be rebuilt. */
async function keepRunningLab(rec: LabRecord, log: (s: string) => void): Promise<LabStatus | undefined> {
  const status = await labStatus();
  if (!status.up) return undefined;
  const cut = status.hosts.filter((h) => h.health === 'cut');
  for (const h of cut) await setHostLink(h, true);
  if (cut.length > 0) {
    await flushNeighbours(rec.hosts);
    await Promise.all(cut.map((h) => waitForSsh(h, h.pid!, 10_000)));
    log(`healed ${cut.map((h) => h.name).join(', ')}`);
  }
  const now = cut.length > 0 ? await labStatus() : status;
  if (!now.hosts.every((h) => h.health === 'ok')) return undefined;
  log(`lab already up (${rec.release}: ${rec.hosts.map((h) => h.name).join(', ')})`);
  return now;
}

/**
 * Brings the lab up. A lab that is already up with the same release and hosts is kept as it is
 * (cut hosts are healed) if every host answers SSH; anything else (a different lab, a dead host,
 * state left by a killed run) is removed first and the lab is started afresh from the cached base.
 */
export async function labUp(opts: LabUpOptions = {}): Promise<LabStatus> {
  assertRootOnLinux();
  const log = opts.log ?? quiet;
  const release = parseRelease(opts.release);
  const hosts = allocateAddresses(opts.hosts ?? DEFAULT_HOSTS);
  await ensureTools(log);
  return withLock('lab', log, async () => {
    ensureLabSecrets();
    const current = readLab();
    if (current && sameLab(current, release, hosts)) {
      const status = await keepRunningLab(current, log);
      if (status) return status;
    }
    await teardownLab();
    await ensureBase(release, log);
    const started = Date.now();
    const authorizedKey = await ensureKey();
    await createBridge();
    for (const h of hosts) await addHostNetwork(h);
    await Promise.all(hosts.map((h) => startHost(h, release, authorizedKey)));
    await recordHostKeys(hosts);
    writeLab({ release, hosts });
    log(`lab up (${release}) in ${seconds(started)}: ${hosts.map((h) => `${h.name} ${h.address}`).join(', ')}`);
    return labStatus();
  });
}

/**
 * Reserves the lab for a test suite that changes its hosts (cut, reset, down…), so that two such
 * suites run one after the other; returns the release function. labUp and the other commands
 * work while it is held.
 */
export async function reserveLab(log: (s: string) => void = quiet): Promise<() => void> {
  assertRootOnLinux();
  return acquireLock('lab-reservation', log);
}

/** Stops every host and removes the lab's processes, mounts, namespaces, bridge and overlays. */
export async function labDown(opts: { log?: (s: string) => void } = {}): Promise<void> {
  assertRootOnLinux();
  const log = opts.log ?? quiet;
  await withLock('lab', log, async () => {
    const started = Date.now();
    await teardownLab();
    log(`lab down in ${seconds(started)}`);
  });
}

async function hostStatus(h: LabHost): Promise<LabHostStatus> {
  const pid = runningPid(h.name);
  const running = pid !== undefined && netnsExists(h.name);
  const linked = hostLinkUp(h) === true;
  const ssh = running && linked && (await sshAnswers(h));
  const health = !running ? 'stopped' : !linked ? 'cut' : ssh ? 'ok' : 'no ssh';
  return { ...h, pid, running, linked, ssh, health };
}

function formatStatus(s: Omit<LabStatus, 'text'>): string {
  if (s.hosts.length === 0) return 'lab is not up';
  const rows = [['HOST', 'ADDRESS', 'PID', 'HEALTH'], ...s.hosts.map((h) => [h.name, h.address, String(h.pid ?? '-'), h.health])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  return [`lab ${s.up ? 'up' : 'NOT up'} (${s.release}), bridge tsplay0 10.213.0.1/24`, ...table].join('\n');
}

export async function labStatus(): Promise<LabStatus> {
  const rec = readLab();
  const hosts = rec ? await Promise.all(rec.hosts.map(hostStatus)) : [];
  const up = rec !== undefined && (await networkUp(rec)) && hosts.every((h) => h.running);
  const s = { up, release: rec?.release, hosts };
  return { ...s, text: formatStatus(s) };
}

async function networkUp(rec: LabRecord): Promise<boolean> {
  return bridgeExists() && rec.hosts.every((h) => netnsExists(h.name)) && (await routedToBridge(rec.hosts[0]!.address));
}

/**
 * The lab is up: recorded, its bridge and namespaces exist, the lab subnet is routed to the
 * bridge and every host's container runs. (Some host may still be cut off.)
 */
export async function labIsUp(): Promise<boolean> {
  const rec = readLab();
  return rec !== undefined && (await networkUp(rec)) && rec.hosts.every((h) => runningPid(h.name) !== undefined);
}

/** Call before sending anything to a lab address: fails fast when the lab's network is not ours. */
export async function assertLabUp(): Promise<void> {
  if (!(await labIsUp())) throw new LabError('lab is not up (run: tsplay lab up)');
}

function requireHost(name: string): LabHost {
  const rec = readLab();
  if (!rec) throw new LabError('lab is not up (run: tsplay lab up)');
  const h = rec.hosts.find((x) => x.name === name);
  if (!h) throw new UsageError(`lab: no host '${name}' (hosts: ${rec.hosts.map((x) => x.name).join(', ')})`);
  return h;
}

/** Opens a shell on a lab host (or runs a command) with the system ssh client; returns its exit code. */
export async function labSsh(host: string, command: string[] = []): Promise<number> {
  const h = requireHost(host);
  await assertLabUp();
  const args = [...(command.length === 0 ? ['-t'] : []), ...sshArgs(h), ...command];
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 255));
  });
}

/** Runs a command inside a host through its namespaces, not the network: works while it is cut. */
export async function labExec(host: string, argv: string[]): Promise<RunResult> {
  assertRootOnLinux();
  requireHost(host);
  const init = hostInitPid(host);
  if (init === undefined) throw new LabError(`lab: host ${host} is not running`);
  return exec('nsenter', ['-t', String(init), '-m', '-u', '-i', '-n', '-p', '--', ...argv]);
}

/** Takes a host off the network: its bridge port goes down (a pulled cable). */
export async function labCut(host: string): Promise<void> {
  assertRootOnLinux();
  await setHostLink(requireHost(host), false);
}

export async function labHeal(host: string): Promise<void> {
  assertRootOnLinux();
  await setHostLink(requireHost(host), true);
  await flushNeighbours(readLab()!.hosts);
}

/** Returns every host to the base: fresh overlay upper dirs, rebooted, back on the network. */
/**
 * Empties the packet filter of a host's network namespace. The namespace outlives the
 * container, so the rules a host's ufw loaded would still filter its fresh successor after a
 * reset (`ufw status` active with ENABLED=no). Run while the old container, which has the
 * iptables tools that loaded them, is still up; a host without them has no rules to flush.
 */
async function flushFirewall(host: string): Promise<void> {
  const empty = "printf '*filter\\n:INPUT ACCEPT [0:0]\\n:FORWARD ACCEPT [0:0]\\n:OUTPUT ACCEPT [0:0]\\nCOMMIT\\n'";
  const script = `PATH="$PATH:/usr/sbin:/sbin"; for t in iptables ip6tables; do if command -v $t-restore >/dev/null; then ${empty} | $t-restore || exit 1; fi; done`;
  const r = await labExec(host, ['/bin/sh', '-c', script]).catch(() => undefined);
  if (r && r.code !== 0) throw new LabError(`lab: cannot empty the packet filter of ${host}: ${r.stderr.trim()}`);
}

export async function labReset(opts: { log?: (s: string) => void } = {}): Promise<void> {
  assertRootOnLinux();
  const log = opts.log ?? quiet;
  await withLock('lab', log, async () => {
    const rec = readLab();
    if (!rec || !(await labIsUp())) throw new LabError('lab is not up (run: tsplay lab up)');
    const started = Date.now();
    const authorizedKey = await ensureKey();
    await Promise.all(rec.hosts.map(async (h) => {
      await flushFirewall(h.name);
      await stopContainer(h.name);
      await removeHostFiles(h.name);
      await setHostLink(h, true);
      await startHost(h, rec.release, authorizedKey);
    }));
    await recordHostKeys(rec.hosts);
    log(`lab reset in ${seconds(started)}`);
  });
}
