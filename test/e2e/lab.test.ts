// `tsplay lab`: the address plan and inventory (anywhere), then real hosts (root only): SSH,
// names, traffic between hosts, cut/heal, offline PostgreSQL, reset, idempotent up, and a down
// that leaves nothing behind. The down test is last: other e2e files bring the lab up themselves.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { allocateAddresses, BRIDGE, DEFAULT_HOSTS, type LabHost } from '../../lab/addresses.js';
import { RELEASES } from '../../lab/base-image.js';
import { labCgroups } from '../../lab/cgroups.js';
import {
  assertLabUp, labCut, labDown, labExec, labHeal, labIsUp, labReset, labStatus, labUp, reserveLab,
} from '../../lab/commands.js';
import { hostInitPid, nspawnLeftovers, runningPid } from '../../lab/hosts.js';
import { sshArgs } from '../../lab/keys.js';
import { mountsUnder } from '../../lab/mounts.js';
import { BASE_ROOT, KEY_FILE, KNOWN_HOSTS_FILE, STATE_DIR } from '../../lab/paths.js';
import { processAlive } from '../../lab/processes.js';
import { exec, type RunResult } from '../../lab/run.js';
import { requireRootOrSkip } from '../support/root.js';

const inventoryFile = fileURLToPath(new URL('../../../inventory/lab.yml', import.meta.url));
const [master, slave, balancer] = allocateAddresses(DEFAULT_HOSTS) as [LabHost, LabHost, LabHost];

describe('lab address plan and inventory', () => {
  it("gives the manual's roles fixed addresses and other hosts the next free ones", () => {
    expect(allocateAddresses(['db1', 'slave', 'master', 'db2'])).to.deep.equal([
      { name: 'db1', address: '10.213.0.13' },
      { name: 'slave', address: '10.213.0.11' },
      { name: 'master', address: '10.213.0.10' },
      { name: 'db2', address: '10.213.0.14' },
    ]);
  });

  it('refuses host names that are not plain lower-case labels, and duplicates', () => {
    expect(() => allocateAddresses(['Master'])).to.throw(/bad host name 'Master'/);
    expect(() => allocateAddresses(['a;b'])).to.throw(/bad host name/);
    expect(() => allocateAddresses(['slave', 'slave'])).to.throw(/given twice/);
  });

  it('inventory/lab.yml names the lab hosts, addresses, key and known_hosts', () => {
    const inv = parse(readFileSync(inventoryFile, 'utf8')) as {
      all: { vars: Record<string, unknown>; children: { lab: { children: Record<string, { hosts: Record<string, { ansible_host: string }> }> } } };
    };
    const groups = inv.all.children.lab.children;
    expect(inv.all.vars).to.deep.include({
      ansible_user: 'root',
      ansible_ssh_private_key_file: KEY_FILE,
      ansible_ssh_known_hosts_file: KNOWN_HOSTS_FILE,
    });
    expect(Object.keys(groups)).to.deep.equal(DEFAULT_HOSTS);
    for (const h of [master, slave, balancer]) {
      expect(groups[h.name]!.hosts, h.name).to.deep.equal({ [h.name]: { ansible_host: h.address } });
    }
  });
});

async function ssh(h: LabHost, command: string, timeoutMs = 20_000): Promise<RunResult> {
  await assertLabUp();
  return exec('ssh', ['-o', 'BatchMode=yes', ...sshArgs(h), command], { timeoutMs });
}

/** A TCP connection to port 22 from inside a host (through its namespaces, not SSH). */
async function reaches(from: string, to: LabHost): Promise<boolean> {
  const r = await labExec(from, ['timeout', '3', 'bash', '-c', `exec 3<>/dev/tcp/${to.address}/22 && head -c 4 <&3`]);
  return r.code === 0 && r.stdout === 'SSH-';
}

describe('lab (e2e, real hosts)', function () {
  let unreserve: (() => void) | undefined;

  before(async function () {
    this.timeout(300_000);
    requireRootOrSkip(this, 'lab e2e tests');
    const log = (s: string) => console.log(`      lab: ${s}`);
    unreserve = await reserveLab(log);
    await labUp({ log });
    await labReset(); // fresh hosts, whatever earlier users of the lab did to them
  });

  after(() => unreserve?.());

  it('answers SSH as root on every host, checked against the recorded host keys', async function () {
    this.timeout(30_000);
    for (const h of [master, slave, balancer]) {
      const r = await ssh(h, 'hostname; id -u');
      expect(r.stderr).to.equal('');
      expect(r.stdout, h.name).to.equal(`${h.name}\n0\n`);
    }
    const known = readFileSync(KNOWN_HOSTS_FILE, 'utf8');
    for (const h of [master, slave, balancer]) expect(known).to.match(new RegExp(`^${h.address.replace(/\./g, '\\.')} ssh-ed25519 `, 'm'));
  });

  it('boots systemd in every host, resolves its own name, and looks like Astra where the manual needs it', async function () {
    this.timeout(30_000);
    for (const h of [master, slave, balancer]) {
      const r = await ssh(h, 'systemctl is-system-running --wait; getent ahostsv4 "$(hostname)" | head -n1; getent group shadow >/dev/null && test -d /etc/parsec/macdb && test -d /etc/parsec/capdb && ls /etc/parsec/macdb | wc -l');
      const [state, resolved, macdbFiles] = r.stdout.trim().split('\n');
      expect(state, `${h.name}: ${r.stdout}${r.stderr}`).to.equal('running');
      expect(resolved?.split(/\s+/)[0], h.name).to.equal(h.address);
      expect(Number(macdbFiles), h.name).to.be.greaterThan(0);
    }
  });

  it('carries traffic between hosts, and has no route out of the lab subnet', async function () {
    this.timeout(30_000);
    const tcp = await ssh(master, `timeout 3 bash -c 'exec 3<>/dev/tcp/${slave.address}/22 && head -c 4 <&3'`);
    expect(tcp.stdout, tcp.stderr).to.equal('SSH-');
    const ping = await ssh(balancer, `ping -c 1 -W 2 ${master.address}`);
    expect(ping.code, ping.stdout + ping.stderr).to.equal(0);
    const routes = await ssh(master, 'ip -4 route show; ip route get 192.0.2.1 2>&1');
    expect(routes.stdout).to.match(/^10\.213\.0\.0\/24 dev eth0 .*\n/);
    expect(routes.stdout).not.to.match(/default/);
    expect(routes.stdout).to.match(/Network is unreachable/);
  });

  it('cut takes a host off the network; heal puts it back', async function () {
    this.timeout(30_000);
    expect(await reaches('slave', master)).to.equal(true);
    await labCut('slave');
    try {
      expect(await reaches('slave', master), 'slave reaches master while cut').to.equal(false);
      expect((await labStatus()).hosts.find((h) => h.name === 'slave')?.health).to.equal('cut');
    } finally {
      await labHeal('slave');
    }
    expect(await reaches('slave', master), 'slave reaches master after heal').to.equal(true);
    expect((await ssh(slave, 'hostname')).stdout).to.equal('slave\n');
  });

  it('installs PostgreSQL offline from the apt cache and runs it as a systemd service', async function () {
    this.timeout(240_000);
    const release = (await labStatus()).release!;
    const pg = RELEASES[release].postgres;
    const r = await ssh(master, `DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql postgresql-contrib postgresql-client pgpool2 ufw >/tmp/apt.log 2>&1 || { tail -n 20 /tmp/apt.log; exit 1; }
      systemctl is-active postgresql@${pg}-main; cd /tmp && su postgres -c "psql -Atc 'select 6*7'"`, 230_000);
    expect(r.stdout, r.stderr).to.equal('active\n42\n');
  });

  it('reset returns every host to the base', async function () {
    this.timeout(60_000);
    await ssh(master, 'touch /root/tsplay-reset-marker');
    await labReset();
    const r = await ssh(master, 'test -e /root/tsplay-reset-marker && echo kept; command -v psql || echo no psql; hostname');
    expect(r.stdout, r.stderr).to.equal('no psql\nmaster\n');
  });

  it('up keeps a healthy lab, heals a cut host and repairs a broken one', async function () {
    this.timeout(60_000);
    const before = (await labStatus()).hosts.map((h) => h.pid);
    await labUp();
    expect((await labStatus()).hosts.map((h) => h.pid), 'a healthy lab is kept').to.deep.equal(before);
    await labCut('balancer');
    await labUp();
    const healed = await labStatus();
    expect(healed.hosts.map((h) => h.pid), 'a cut host is healed, not rebuilt').to.deep.equal(before);
    expect(healed.hosts.map((h) => h.health)).to.deep.equal(['ok', 'ok', 'ok']);
    process.kill(hostInitPid('slave')!, 'SIGKILL'); // the container we started, by its pid
    for (let i = 0; i < 50 && (await labStatus()).hosts.find((h) => h.name === 'slave')?.health === 'ok'; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await labIsUp(), 'a lab with a dead host is not up').to.equal(false);
    await labUp();
    const after = await labStatus();
    expect(after.hosts.map((h) => h.health)).to.deep.equal(['ok', 'ok', 'ok']);
    expect((await ssh(slave, 'hostname')).stdout).to.equal('slave\n');
  });

  // last: the lab is down afterwards
  it('down leaves nothing behind', async function () {
    this.timeout(60_000);
    const pids = DEFAULT_HOSTS.flatMap((h) => [runningPid(h), hostInitPid(h)]);
    const nspawnFiles = DEFAULT_HOSTS.flatMap(nspawnLeftovers);
    expect(nspawnFiles.filter((f) => existsSync(f)), 'files nspawn keeps while running').to.have.length(2 * DEFAULT_HOSTS.length);
    expect(pids.every((p) => p !== undefined && processAlive(p))).to.equal(true);
    await labDown();
    expect(pids.filter((p) => processAlive(p!)), 'recorded processes alive').to.deep.equal([]);
    expect(existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith('tsplay-')) : []).to.deep.equal([]);
    expect(readdirSync('/sys/class/net').filter((n) => n === BRIDGE || /^tsp\d+$/.test(n))).to.deep.equal([]);
    // (a base build running in parallel mounts /proc in its temp dir base/.RELEASE.tmp)
    expect(mountsUnder(STATE_DIR).filter((m) => !m.startsWith(`${BASE_ROOT}/.`))).to.deep.equal([]);
    expect(labCgroups()).to.deep.equal([]);
    expect(nspawnFiles.filter((f) => existsSync(f)), 'files nspawn left in /run').to.deep.equal([]);
    expect(await labIsUp()).to.equal(false);
    let refused: unknown;
    await assertLabUp().catch((e: unknown) => (refused = e));
    expect(String(refused)).to.match(/lab is not up/);
  });
});
