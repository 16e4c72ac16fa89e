// The system modules on real lab hosts through the real SSH connection: for each module a
// check-mode run that must report the change and write nothing, an apply whose re-check finds
// nothing left to do, and a second run with no change. Root only (the lab needs it).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import type { ApplyResult, Change, ModuleDefinition } from '../../engine/module-api.js';
import { SshConnection } from '../../engine/connection/ssh.js';
import { KEY_FILE, KNOWN_HOSTS_FILE } from '../../lab/paths.js';
import type { LabHost } from '../../lab/addresses.js';
import apt from '../../modules/apt.js';
import authorizedKey from '../../modules/authorized_key.js';
import hostname from '../../modules/hostname.js';
import pgCtlcluster from '../../modules/pg_ctlcluster.js';
import service from '../../modules/service.js';
import setfacl from '../../modules/setfacl.js';
import sshKeypair from '../../modules/ssh_keypair.js';
import ufw from '../../modules/ufw.js';
import user from '../../modules/user.js';
import { freshLab, hosts, type Run, said, sh, task } from '../support/lab-modules.js';


/**
 * The contract for a change: check mode reports it in one round trip and `probe` shows the host
 * untouched; the apply leaves nothing to do; a second run reports no change.
 */
async function converge(h: LabHost, mod: ModuleDefinition, args: Record<string, unknown>, probe: string): Promise<{ first: Run; second: Run; before: string }> {
  const before = await sh(h, probe);
  const dry = await task(h, mod, args, true);
  expect(dry.check.changed, `check mode: ${said(dry.check)}`).to.equal(true);
  expect(dry.checkTrips, 'one round trip per check').to.equal(1);
  expect(await sh(h, probe), 'check mode wrote nothing').to.equal(before);
  const first = await task(h, mod, args);
  expect(first.check.changed).to.equal(true);
  if (first.verify) expect(first.verify.changed, `re-check after apply: ${said(first.verify)}`).to.equal(false);
  const second = await task(h, mod, args);
  expect(second.check.changed, `second run: ${said(second.check)}`).to.equal(false);
  expect(second.checkTrips).to.equal(1);
  return { first, second, before };
}

describe('system modules on lab hosts (e2e)', function () {
  let done: (() => Promise<void>) | undefined;
  let pg = '15';

  before(async function () {
    this.timeout(600_000);
    ({ pg, done } = await freshLab(this, 'system module e2e tests'));
  });

  after(async () => {
    await done?.();
  });

  it('apt: installs ufw (check mode lists it, installs nothing), then no change; unknown names fail clearly', async function () {
    this.timeout(180_000);
    const { first, second } = await converge(hosts.master, apt, { name: 'ufw' }, "dpkg-query -W -f='${Status}' ufw 2>&1; true");
    expect(said(first.check)).to.match(/^install .*ufw \d/);
    expect(said(second.check)).to.match(/^ufw \S+ installed$/);
    expect(await sh(hosts.master, "dpkg-query -W -f='${Status}' ufw")).to.equal('install ok installed');
    const latest = await task(hosts.master, apt, { name: 'ufw', state: 'latest' });
    expect(said(latest.check)).to.match(/at the newest version$/);
    const err = await task(hosts.master, apt, { name: ['ufw', 'pgadmin3-nosuch'] }).catch((e: Error) => e);
    expect(String(err)).to.match(/apt: no package named pgadmin3-nosuch in the package lists/);
  });

  it("apt: the manual's PostgreSQL packages on master and slave (offline, from the lab's apt cache)", async function () {
    this.timeout(300_000);
    for (const h of [hosts.master, hosts.slave]) {
      const { first } = await converge(h, apt, { name: ['postgresql', 'postgresql-contrib', 'postgresql-client'] }, "dpkg-query -W -f='${Status}\\n' postgresql 2>&1; true");
      expect(said(first.check)).to.match(new RegExp(`postgresql-${pg} `));
    }
  });

  it("setfacl: the manual's six commands, each one task", async function () {
    this.timeout(120_000);
    for (const db of ['macdb', 'capdb']) {
      const path = `/etc/parsec/${db}`;
      const probe = `getfacl -p -R ${path}`;
      const d = await converge(hosts.master, setfacl, { path, entity: 'postgres', etype: 'user', permissions: 'r', default: true, state: 'present' }, probe);
      expect(said(d.second.check)).to.equal(`default:user:postgres:r-- already set on ${path}`);
      const r = await converge(hosts.master, setfacl, { path, entity: 'postgres', etype: 'user', permissions: 'r', recursive: true, state: 'present' }, probe);
      expect(said(r.second.check)).to.equal(`user:postgres:r-- already set on ${path} and 3 files below`);
      const x = await converge(hosts.master, setfacl, { path, entity: 'postgres', etype: 'user', permissions: 'rx', state: 'present' }, probe);
      expect(said(x.first.check)).to.equal(`set user:postgres:r-x on ${path} (was r--)`);
    }
    // postgres can now read the databases, as the manual intends
    expect(await sh(hosts.master, 'su -s /bin/sh postgres -c "cat /etc/parsec/macdb/0"')).to.equal('root:0:0x0:0:0x0\n');
  });

  it('user: usermod -a -G shadow postgres; a user with a password hash (never in argv), updated, removed', async function () {
    this.timeout(60_000);
    await converge(hosts.master, user, { name: 'postgres', groups: ['shadow'], append: true }, 'id -Gn postgres');
    expect((await sh(hosts.master, 'id -Gn postgres')).split(/\s+/)).to.include('shadow');
    // crypt hashes made on the controller, as a playbook author would
    const hash1 = execFileSync('openssl', ['passwd', '-6', '-salt', 'e2esalt1', 'first secret'], { encoding: 'utf8' }).trim();
    const hash2 = execFileSync('openssl', ['passwd', '-6', '-salt', 'e2esalt2', 'second secret'], { encoding: 'utf8' }).trim();
    const probe = 'getent passwd tsplaye2e; getent shadow tsplaye2e | cut -d: -f2; id tsplaye2e 2>&1; true';
    const created = await converge(hosts.master, user, { name: 'tsplaye2e', password: hash1, groups: 'shadow', shell: '/bin/sh', comment: 'tsplay e2e' }, probe);
    expect(JSON.stringify(created)).to.not.include(hash1);
    expect(await sh(hosts.master, 'getent shadow tsplaye2e | cut -d: -f2')).to.equal(`${hash1}\n`);
    const changed = await converge(hosts.master, user, { name: 'tsplaye2e', password: hash2 }, probe);
    expect(said(changed.first.check)).to.equal('user tsplaye2e: set password');
    expect(await sh(hosts.master, 'getent shadow tsplaye2e | cut -d: -f2')).to.equal(`${hash2}\n`);
    await converge(hosts.master, user, { name: 'tsplaye2e', state: 'absent' }, probe);
  });

  it('ufw: refuses to enable while SSH is not allowed; the manual\'s rules; enable; no change and no reload after', async function () {
    this.timeout(120_000);
    const m = hosts.master;
    const files = 'cat /etc/ufw/user.rules /etc/ufw/user6.rules /etc/ufw/ufw.conf /etc/default/ufw; ufw status';
    const refused = await task(m, ufw, { state: 'enabled', policy: 'deny' }).catch((e: Error) => e);
    expect(String(refused)).to.match(/refusing to change the firewall on master: new SSH connections on port 22\/tcp would be blocked/);
    expect(await sh(m, 'ufw status')).to.equal('Status: inactive\n');

    const ssh = await converge(m, ufw, { rule: 'allow', direction: 'in', port: 'ssh' }, files);
    expect(said(ssh.second.check)).to.equal('rule allow in tcp port 22 present');
    expect(await sh(m, "grep '^### tuple' /etc/ufw/user.rules")).to.equal('### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n');
    for (const [direction, port, proto] of [['out', 'ssh'], ['in', '5432', 'tcp'], ['out', '5432', 'tcp'], ['in', '5433', 'tcp'], ['out', '5433', 'tcp'], ['in', '9898', 'tcp'], ['out', '9898', 'tcp']] as const) {
      await converge(m, ufw, { rule: 'allow', direction, port, ...(proto ? { proto } : {}) }, files);
    }
    expect((await sh(m, "grep -c '^### tuple' /etc/ufw/user.rules /etc/ufw/user6.rules")).trim().split('\n')).to.deep.equal(['/etc/ufw/user.rules:8', '/etc/ufw/user6.rules:8']);

    const enabled = await converge(m, ufw, { state: 'enabled', policy: 'deny' }, files);
    expect(said(enabled.first.check)).to.equal('enable the firewall');
    expect(await sh(m, 'ufw status | head -n1')).to.equal('Status: active\n');
    // a new SSH connection still gets in
    const fresh = new SshConnection({ name: 'master', address: m.address, port: 22, user: 'root', privateKeyFile: KEY_FILE, knownHostsFile: KNOWN_HOSTS_FILE, hostKeyPolicy: 'strict' });
    try {
      expect((await fresh.exec('hostname')).stdout).to.equal('master\n');
    } finally {
      await fresh.close();
    }
    // the same rule again on the active firewall: nothing runs, nothing reloads
    const again = await task(m, ufw, { rule: 'allow', direction: 'in', port: 'ssh' });
    expect(again.check.changed).to.equal(false);
    await converge(m, ufw, { state: 'disabled' }, files);
  });

  it('pg_ctlcluster: stop and start the cluster (through systemd), no change when already there', async function () {
    this.timeout(120_000);
    const m = hosts.master;
    const started = await task(m, pgCtlcluster, { version: pg, state: 'started' });
    expect(said(started.check)).to.equal(`cluster ${pg}/main is online`);
    await converge(m, pgCtlcluster, { version: pg, cluster: 'main', state: 'stopped' }, 'pg_lsclusters --no-header');
    expect(await sh(m, 'pg_lsclusters --no-header')).to.match(new RegExp(`^${pg} main +5432 down `));
    await converge(m, pgCtlcluster, { version: pg, state: 'started' }, 'pg_lsclusters --no-header');
    expect(await sh(m, `systemctl is-active postgresql@${pg}-main`)).to.equal('active\n');
    const promoted = await task(m, pgCtlcluster, { version: pg, state: 'promoted' });
    expect(said(promoted.check)).to.match(/not a standby, nothing to promote$/);
  });

  it('service: stop and start the cluster unit, disable and enable ufw at boot; restarted is an action', async function () {
    this.timeout(120_000);
    const m = hosts.master;
    const unit = `postgresql@${pg}-main`;
    const probe = `systemctl is-active ${unit}; systemctl is-enabled ufw; true`;
    await converge(m, service, { name: unit, state: 'stopped' }, probe);
    await converge(m, service, { name: unit, state: 'started' }, probe);
    await converge(m, service, { name: 'ufw', enabled: false }, probe);
    expect(await sh(m, 'systemctl is-enabled ufw; true')).to.equal('disabled\n');
    await converge(m, service, { name: 'ufw', enabled: true }, probe);
    const restarted = await task(m, service, { name: unit, state: 'restarted' });
    expect(restarted.check.changed).to.equal(true);
    expect((restarted.check as Change).kind).to.equal('run');
    expect(await sh(m, `systemctl is-active ${unit}`)).to.equal('active\n');
  });

  it('hostname: renames balancer (hostnamectl under systemd) and back', async function () {
    this.timeout(60_000);
    const b = hosts.balancer;
    const probe = 'uname -n; cat /etc/hostname';
    expect(said((await task(b, hostname, { name: 'balancer' })).check)).to.equal('host name is balancer');
    await converge(b, hostname, { name: 'balancer-e2e' }, probe);
    expect(await sh(b, probe)).to.equal('balancer-e2e\nbalancer-e2e\n');
    await converge(b, hostname, { name: 'balancer' }, probe);
    expect(await sh(b, probe)).to.equal('balancer\nbalancer\n');
  });

  it("ssh_keypair + authorized_key: the manual's postgres key mesh between master and slave", async function () {
    this.timeout(120_000);
    const keyPath = '/var/lib/postgresql/.ssh/id_rsa';
    const keys: Record<string, string> = {};
    for (const h of [hosts.master, hosts.slave]) {
      const { first, second } = await converge(h, sshKeypair, { path: keyPath, owner: 'postgres', group: 'postgres' }, 'ls -la /var/lib/postgresql/.ssh 2>&1; true');
      const pub = (first.applied as ApplyResult).result!.public_key as string;
      expect(pub).to.match(/^ssh-rsa AAAA\S+$/);
      expect(second.check.changed ? undefined : second.check.result?.public_key).to.equal(pub);
      expect(await sh(h, `stat -c '%U %a' ${keyPath} /var/lib/postgresql/.ssh`)).to.equal('postgres 600\npostgres 700\n');
      keys[h.name] = `${pub} postgres@${h.name}`;
    }
    // ssh-copy-id both ways: each host's key into the other's authorized_keys
    for (const [from, to] of [['master', 'slave'], ['slave', 'master']] as const) {
      const target = hosts[to];
      await converge(target, authorizedKey, { user: 'postgres', key: keys[from] }, 'ls -la /var/lib/postgresql/.ssh; cat /var/lib/postgresql/.ssh/authorized_keys 2>&1; true');
      expect(await sh(target, "stat -c '%U %a' /var/lib/postgresql/.ssh/authorized_keys")).to.equal('postgres 600\n');
      const login = await sh(
        hosts[from],
        `su -s /bin/sh postgres -c 'ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -i ${keyPath} postgres@${target.address} hostname'`,
      );
      expect(login).to.equal(`${to}\n`);
    }
  });
});
