// What the fixture harness cannot express for the system modules: refusals and clear errors,
// actions (kind: run), and apt's bounded wait for the dpkg lock.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { LocalConnection } from '../../engine/connection/local.js';
import type { Change, ModuleDefinition } from '../../engine/module-api.js';
import { validateArgs } from '../../engine/module-args.js';
import { createModuleContext } from '../../engine/runner/module-context.js';
import apt from '../../modules/apt.js';
import authorizedKey from '../../modules/authorized_key.js';
import hostname from '../../modules/hostname.js';
import { runWithDpkgLock } from '../../modules/lib/apt-lock.js';
import pgCtlcluster from '../../modules/pg_ctlcluster.js';
import service from '../../modules/service.js';
import setfacl from '../../modules/setfacl.js';
import ufw from '../../modules/ufw.js';
import user from '../../modules/user.js';
import { FakeConnection, type Reply } from '../support/fake-connection.js';
import { probeReply } from '../support/section-replies.js';
import { fakeContext } from './harness.js';
import { checkOnly } from '../../engine/module/step.js';

async function check(mod: ModuleDefinition, rawArgs: Record<string, unknown>, replies: Reply[], vars: Record<string, unknown> = {}) {
  const { args, problems } = await validateArgs(mod, rawArgs);
  if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
  const conn = new FakeConnection('h1', replies);
  return { result: await checkOnly(mod, fakeContext(conn, vars), args), conn };
}

async function refusal(mod: ModuleDefinition, args: Record<string, unknown>, replies: Reply[], vars: Record<string, unknown> = {}): Promise<Error> {
  try {
    await check(mod, args, replies, vars);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the check to refuse');
}

const UFW_CONF =
  'ENABLED=no\nLOGLEVEL=low\nIPV6=yes\nDEFAULT_INPUT_POLICY="DROP"\nDEFAULT_OUTPUT_POLICY="ACCEPT"\nDEFAULT_FORWARD_POLICY="DROP"\n';

/** A host's ufw files; `status` is the `ufw status` section, present (not null) when the task has a state. */
function ufwHost(rules4: string, ssh: string, status: string | null = 'Status: inactive\n', conf = UFW_CONF): Reply {
  return probeReply('@@tsplay@@ conf', { ufw: '/usr/sbin/ufw\n', conf, rules4, rules6: '', ssh: `${ssh}\n`, ...(status === null ? {} : { status }) });
}

describe('system modules: refusals, errors and actions', () => {
  describe('ufw', () => {
    it('refuses to enable the firewall when the SSH port in use is not allowed', async () => {
      const e = await refusal(ufw, { state: 'enabled' }, [
        ufwHost('### tuple ### allow tcp 5432 0.0.0.0/0 any 0.0.0.0/0 in\n', '10.213.0.1 51000 10.213.0.10 22'),
      ]);
      expect(e.message).to.match(/^ufw: refusing to change the firewall on h1: new SSH connections on port 22\/tcp would be blocked \(default incoming policy deny; this connection comes from 10\.213\.0\.1 to port 22\)/);
    });

    it('a deny rule before the allow rule blocks SSH too (first match wins)', async () => {
      const rules = '### tuple ### deny tcp 22 0.0.0.0/0 any 10.213.0.0/24 in\n### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n';
      const e = await refusal(ufw, { state: 'enabled' }, [ufwHost(rules, '10.213.0.1 51000 10.213.0.10 22')]);
      expect(e.message).to.match(/rule 'deny tcp 22 0\.0\.0\.0\/0 any 10\.213\.0\.0\/24 in'/);
    });

    it('an allow rule for another source network does not count', async () => {
      const e = await refusal(ufw, { state: 'enabled' }, [ufwHost('### tuple ### allow tcp 22 0.0.0.0/0 any 192.0.2.0/24 in\n', '10.213.0.1 51000 10.213.0.10 22')]);
      expect(e.message).to.match(/would be blocked/);
    });

    it('without $SSH_CONNECTION the port is ansible_port', async () => {
      const e = await refusal(ufw, { state: 'enabled' }, [ufwHost('### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n', '')], { ansible_port: 2222 });
      expect(e.message).to.match(/port 2222\/tcp would be blocked/);
    });

    it('refuses a deny-incoming default on an active firewall without an SSH rule', async () => {
      const conf = UFW_CONF.replace('ENABLED=no', 'ENABLED=yes').replace('"DROP"', '"ACCEPT"');
      const e = await refusal(ufw, { default: 'deny' }, [ufwHost('', '10.213.0.1 51000 10.213.0.10 22', null, conf)]);
      expect(e.message).to.match(/refusing to change the firewall/);
    });

    it('deleting the SSH rule of an active firewall is refused', async () => {
      const conf = UFW_CONF.replace('ENABLED=no', 'ENABLED=yes');
      const e = await refusal(ufw, { rule: 'allow', port: '22', proto: 'tcp', delete: true }, [
        ufwHost('### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n', '10.213.0.1 51000 10.213.0.10 22', null, conf),
      ]);
      expect(e.message).to.match(/would be blocked/);
    });

    it('a local connection without $SSH_CONNECTION has no SSH port to protect', async () => {
      const { result } = await check(ufw, { state: 'enabled' }, [ufwHost('', '')], { ansible_connection: 'local' });
      expect(result.changed).to.equal(true);
    });

    it('reloaded is an action (kind: run); reset too', async () => {
      for (const state of ['reloaded', 'reset']) {
        const { result } = await check(ufw, { state }, [ufwHost('', '10.213.0.1 51000 10.213.0.10 22', 'Status: active\n', UFW_CONF.replace('ENABLED=no', 'ENABLED=yes'))]);
        expect(result.changed, state).to.equal(true);
        expect((result as Change).kind, state).to.equal('run');
      }
    });

    it('names an unknown service, and a missing ufw', async () => {
      const unknown = await refusal(ufw, { rule: 'allow', port: 'pgpool' }, [
        probeReply('@@tsplay@@ conf', { ufw: '/usr/sbin/ufw\n', conf: UFW_CONF, rules4: '', rules6: '', ssh: '\n', svc0: '' }),
      ]);
      expect(unknown.message).to.equal("ufw: unknown service name 'pgpool' (not in the host's /etc/services; give a port number)");
      const missing = await refusal(ufw, { rule: 'allow', port: '22' }, [probeReply('@@tsplay@@ conf', { ufw: { out: '', rc: 1 } })]);
      expect(missing.message).to.match(/ufw command is not installed/);
    });

    it('refuses port lists without a protocol, and quotes in comments', async () => {
      const e = await refusal(ufw, { rule: 'allow', port: '5432,5433' }, [ufwHost('', '')]);
      expect(e.message).to.match(/must specify proto tcp or udp with multiple ports/);
      const { problems } = await validateArgs(ufw, { rule: 'allow', port: '22', comment: "it's" });
      expect(problems.map((p) => p.key)).to.deep.equal(['comment']);
    });
  });

  describe('apt', () => {
    const status = (sim: string): Reply => probeReply('@@tsplay@@ status', { status: '\n', provided: '\n', sim });

    it('unknown package: a clear error naming it', async () => {
      const e = await refusal(apt, { name: ['postgresql', 'pgadmin3'] }, [status('E: Unable to locate package pgadmin3\n')]);
      expect(e.message).to.equal(
        "apt: no package named pgadmin3 in the package lists (check the name, or set update_cache: true if the host's package lists are stale)",
      );
    });

    it('unknown package with update_cache: refresh the lists, then install', async () => {
      const { result } = await check(apt, { name: 'pgadmin3', update_cache: true }, [
        probeReply('@@tsplay@@ status', { status: '\n', provided: '\n', sim: 'E: Unable to locate package pgadmin3\n', cache: '100\n0\n' }),
      ]);
      expect(result.changed && result.description).to.match(/^update the package cache, then install pgadmin3/);
    });

    it('refuses names that are not Debian package names', async () => {
      const e = await refusal(apt, { name: 'postgresql; rm -rf /' }, []);
      expect(e.message).to.match(/invalid package name/);
    });

    it('waits for the dpkg lock (bounded) instead of failing on it', async () => {
      let calls = 0;
      const conn = new FakeConnection('h1', []);
      conn.exec = async () => {
        conn.roundTrips++;
        calls++;
        return calls < 3
          ? { stdout: '', stderr: 'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)\n', code: 100 }
          : { stdout: 'ok\n', stderr: '', code: 0 };
      };
      expect(await runWithDpkgLock(fakeContext(conn), 'apt-get -y install x', 5, 1)).to.equal('ok\n');
      expect(calls).to.equal(3);
      const stuck = new FakeConnection('h1', [{ match: /apt-get/, code: 100, stderr: 'E: Could not get lock /var/lib/dpkg/lock-frontend\n' }]);
      const err = await runWithDpkgLock(fakeContext(stuck), 'apt-get -y install x', 0.01, 1).catch((e: Error) => e);
      expect(String(err)).to.match(/the dpkg lock was still held after 0\.01 s/);
    });
  });

  describe("apt's probe on this machine (real sh, awk, dpkg-query and apt-get -s; read-only)", function () {
    before(function () {
      if (!existsSync('/usr/bin/dpkg-query') || !existsSync('/usr/bin/apt-get')) this.skip();
    });
    const local = async (raw: Record<string, unknown>) => {
      const { args } = await validateArgs(apt, raw);
      const ctx = createModuleContext({
        host: 'local',
        conn: new LocalConnection('local'),
        vars: {},
        checkMode: true,
        baseDir: process.cwd(),
        secrets: [],
        connectionTo: async () => new LocalConnection('local'),
        log: () => undefined,
      });
      return checkOnly(apt as ModuleDefinition, ctx, args);
    };

    it('installed packages and a virtual name an installed package provides', async () => {
      const installed = await local({ name: ['dpkg', 'coreutils'] });
      expect(installed.changed ? installed.description : installed.reason).to.match(/^dpkg \S+, coreutils \S+ installed$/);
      const virtual = await local({ name: 'awk' });
      expect(virtual.changed ? virtual.description : virtual.reason).to.match(/^awk \(provided by \S+\) installed$/);
    });

    it('an unknown name fails clearly; absent on it is no change', async () => {
      const err = await local({ name: ['dpkg', 'tsplay-no-such-package'] }).catch((e: Error) => e);
      expect(String(err)).to.match(/apt: no package named tsplay-no-such-package in the package lists/);
      const absent = await local({ name: 'tsplay-no-such-package', state: 'absent' });
      expect(absent.changed ? absent.description : absent.reason).to.equal('tsplay-no-such-package not installed');
    });
  });

  describe('pg_ctlcluster', () => {
    const host = (status: string, init: string, unit: string) =>
      probeReply('pg_lsclusters', { ls: `15 main 5432 ${status} postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log\n`, init, unit });

    it('restart is an action; a cluster started outside systemd is moved under its unit', async () => {
      const inUnit = await check(pgCtlcluster, { version: 15, state: 'restarted' }, [host('online', 'systemd\n', 'active\n')]);
      expect((inUnit.result as Change<{ commands: string[] }>).plan!.commands).to.deep.equal(['systemctl restart postgresql@15-main']);
      expect((inUnit.result as Change).kind).to.equal('run');
      const outside = await check(pgCtlcluster, { version: 15, state: 'restarted' }, [host('online', 'systemd\n', 'inactive\n')]);
      expect((outside.result as Change<{ commands: string[] }>).plan!.commands).to.deep.equal(['pg_ctlcluster 15 main stop', 'systemctl start postgresql@15-main']);
    });

    it('reload of a running cluster is an action; of a stopped one, a start', async () => {
      const running = await check(pgCtlcluster, { version: 15, state: 'reloaded' }, [host('online', 'other\n', '')]);
      expect((running.result as Change<{ commands: string[] }>).plan!.commands).to.deep.equal(['pg_ctlcluster 15 main reload']);
      expect((running.result as Change).kind).to.equal('run');
      const down = await check(pgCtlcluster, { version: 15, state: 'reloaded' }, [host('down', 'other\n', '')]);
      expect((down.result as Change).description).to.equal('start cluster 15/main (was down)');
    });

    it('names a missing cluster and what exists; refuses to promote a stopped standby', async () => {
      const missing = await refusal(pgCtlcluster, { version: '9.6' }, [host('online', 'other\n', '')]);
      expect(missing.message).to.equal('pg_ctlcluster: cluster 9.6/main does not exist on h1 (pg_lsclusters lists: 15/main)');
      const down = await refusal(pgCtlcluster, { version: 15, state: 'promoted' }, [host('down,recovery', 'other\n', '')]);
      expect(down.message).to.match(/is a standby but down on h1: start it before promoting/);
    });
  });

  describe('service', () => {
    it('restarted is an action (kind: run)', async () => {
      const { result } = await check(service, { name: 'pgpool2', state: 'restarted' }, [
        probeReply('@@tsplay@@ active', { init: 'systemd\n', active: 'LoadState=loaded\nActiveState=active\n', enabled: 'enabled\n' }),
      ]);
      expect(result.changed && result.description).to.equal('restart pgpool2');
      expect((result as Change).kind).to.equal('run');
    });

    it('names a missing service, and refuses to disable a static unit', async () => {
      const missing = await refusal(service, { name: 'pgpool3', state: 'started' }, [
        probeReply('@@tsplay@@ active', { init: 'systemd\n', active: 'LoadState=not-found\nActiveState=inactive\n', enabled: 'Failed to get unit file state for pgpool3.service: No such file or directory\n' }),
      ]);
      expect(missing.message).to.match(/no service named pgpool3 on h1/);
      const fixed = await refusal(service, { name: 'systemd-journald', enabled: false }, [
        probeReply('@@tsplay@@ active', { init: 'systemd\n', active: 'LoadState=loaded\nActiveState=active\n', enabled: 'static\n' }),
      ]);
      expect(fixed.message).to.match(/is static on h1: systemctl cannot disable it/);
      const generated = await refusal(service, { name: 'postgresql@15-main', enabled: false }, [
        probeReply('@@tsplay@@ active', { init: 'systemd\n', active: 'LoadState=loaded\nActiveState=active\n', enabled: 'enabled-runtime\n' }),
      ]);
      expect(generated.message).to.match(/is enabled-runtime on h1: systemctl cannot disable it \(.*start\.conf\)$/);
    });
  });

  describe('setfacl', () => {
    it('names a missing path and a missing getfacl', async () => {
      const path = await refusal(setfacl, { path: '/etc/parsec/macdb', entity: 'postgres', etype: 'user', permissions: 'r' }, [
        { match: /getfacl/, code: 1, stderr: 'getfacl: /etc/parsec/macdb: No such file or directory\n' },
      ]);
      expect(path.message).to.equal('setfacl: path not found: /etc/parsec/macdb');
      const tool = await refusal(setfacl, { path: '/srv', entity: 'postgres', etype: 'user', permissions: 'r' }, [
        { match: /getfacl/, code: 127, stderr: 'sh: 1: getfacl: not found\n' },
      ]);
      expect(tool.message).to.match(/getfacl is not installed on h1 \(install the acl package\)/);
    });

    it("follows ansible.posix.acl's argument rules", async () => {
      const facl = { match: /getfacl/, stdout: '# file: /srv\n# owner: root\n# group: root\nuser::rwx\ngroup::r-x\nother::r-x\n\n' };
      expect((await refusal(setfacl, { path: '/srv', state: 'query', recursive: true }, [facl])).message).to.match(/'recursive' must not be set when state=query/);
      expect((await refusal(setfacl, { path: '/srv', entity: 'postgres', etype: 'user', permissions: 'r', state: 'absent' }, [facl])).message).to.match(
        /'permissions' must not be set when state=absent/,
      );
      expect((await refusal(setfacl, { path: '/srv', entity: 'postgres', etype: 'user', permissions: 'rq' }, [facl])).message).to.match(/invalid permissions 'rq'/);
    });
  });

  describe('user', () => {
    it('refuses a clear-text password without repeating it', async () => {
      const e = await refusal(user, { name: 'postgres', password: 'Secret123' }, []);
      expect(e.message).to.match(/must be a crypt\(3\) hash/);
      expect(e.message).to.not.include('Secret123');
    });

    it('names groups that do not exist', async () => {
      const e = await refusal(user, { name: 'postgres', groups: ['shadow', 'parsec'] }, [
        probeReply('getent passwd', { passwd: 'postgres:x:108:114::/var/lib/postgresql:/bin/bash\n', primary: 'postgres\n', all: 'postgres\n', missing: 'parsec\n' }),
      ]);
      expect(e.message).to.equal('user: group(s) parsec do not exist on h1 (create them first)');
    });

    it('check compares digests of the hash; apply sends the hash on stdin only', async () => {
      const hash = '$6$saltsalt$0123456789abcdefghijABCDEFGHIJ0123456789abcdefghijABCDEFGHIJ0123456789abcdefghij';
      const replies = [probeReply('getent passwd', { password: 'differs\n', passwd: 'postgres:x:108:114::/var/lib/postgresql:/bin/bash\n', primary: 'postgres\n', all: 'postgres\n' }), { match: /chpasswd/, stdout: '' }];
      const { result, conn } = await check(user, { name: 'postgres', password: hash }, replies);
      expect(conn.commands[0]!.command).to.not.include(hash);
      expect(conn.commands[0]!.command).to.include(createHash('sha256').update(`${hash}\n`).digest('hex'));
      expect(conn.commands[0]!.stdin).to.equal(undefined);
      const applyConn = new FakeConnection('h1', replies);
      const { args } = await validateArgs(user, { name: 'postgres', password: hash });
      await user.apply(fakeContext(applyConn), args as unknown as Parameters<typeof user.apply>[1], result as Change<never>);
      expect(applyConn.commands.map((c) => c.command)).to.deep.equal(['chpasswd -e']);
      expect(applyConn.commands[0]!.stdin).to.equal(`postgres:${hash}\n`);
    });
  });

  describe('authorized_key and hostname', () => {
    it('refuses lines that are not public keys, and bad host names', async () => {
      expect((await refusal(authorizedKey, { user: 'postgres', key: 'AAAAB3Nza postgres@master' }, [])).message).to.match(/not a public key line/);
      expect((await refusal(hostname, { name: 'master_1' }, [])).message).to.equal("hostname: invalid host name 'master_1'");
    });
  });
});
