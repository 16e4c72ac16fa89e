// The modules issue 13 added, on real lab hosts through the real SSH connection: systemd_service
// against systemd, sysctl in a host's own network namespace, group, and the readers (stat, find,
// slurp, fetch). Each change: check mode reports it and writes nothing, apply converges, a second
// run changes nothing. Root only (the lab needs it).
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Change, ModuleDefinition } from '../../engine/module-api.js';
import type { LabHost } from '../../lab/addresses.js';
import fetch from '../../modules/fetch.js';
import find from '../../modules/find.js';
import group from '../../modules/group.js';
import slurp from '../../modules/slurp.js';
import stat from '../../modules/stat.js';
import sysctl from '../../modules/sysctl.js';
import systemdService from '../../modules/systemd_service.js';
import { freshLab, hosts, type Run, said, sh, task } from '../support/lab-modules.js';

async function converge(h: LabHost, mod: ModuleDefinition, args: Record<string, unknown>, probe: string): Promise<{ first: Run; second: Run }> {
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
  return { first, second };
}

describe('issue 13 modules on lab hosts (e2e)', function () {
  let done: (() => Promise<void>) | undefined;

  before(async function () {
    this.timeout(600_000);
    ({ done } = await freshLab(this, 'issue 13 module e2e tests'));
  });

  after(async () => {
    await done?.();
  });

  it('systemd_service: a new unit started after daemon_reload, stopped and started, enabled; mask and unmask; status is systemctl show', async function () {
    this.timeout(180_000);
    const m = hosts.master;
    const unit = 'tsplay-e2e';
    await sh(m, `printf '[Unit]\\nDescription=tsplay e2e\\n[Service]\\nExecStart=/bin/sleep infinity\\n[Install]\\nWantedBy=multi-user.target\\n' > /etc/systemd/system/${unit}.service`);
    try {
      const probe = `systemctl is-active ${unit}; systemctl is-enabled ${unit} rsync; true`;
      const unknown = await task(m, systemdService, { name: 'tsplay-e2e-none', state: 'started' }).catch((e: Error) => e);
      expect(String(unknown)).to.match(/Could not find the requested service tsplay-e2e-none/);
      const loaded = await task(m, systemdService, { name: unit, state: 'started', daemon_reload: true });
      expect((loaded.check as Change).kind).to.equal('run');
      expect(said(loaded.check)).to.equal(`daemon-reload; start ${unit}`);
      expect(await sh(m, `systemctl is-active ${unit}`)).to.equal('active\n');
      await converge(m, systemdService, { name: unit, state: 'stopped' }, probe);
      await converge(m, systemdService, { name: unit, state: 'started', enabled: true }, probe);
      expect(await sh(m, `systemctl is-enabled ${unit}`)).to.equal('enabled\n');
      await converge(m, systemdService, { name: 'rsync', masked: true }, probe);
      expect(await sh(m, 'systemctl is-enabled rsync; true')).to.equal('masked\n');
      await converge(m, systemdService, { name: 'rsync', masked: false }, probe);
      const now = await task(m, systemdService, { name: unit, state: 'started' });
      expect(now.check.changed).to.equal(false);
      expect((now.check.result?.status as Record<string, string>).ActiveState).to.equal('active');
      const restarted = await task(m, systemdService, { name: unit, state: 'restarted' });
      expect((restarted.check as Change).kind).to.equal('run');
    } finally {
      await sh(m, `systemctl disable --now ${unit} 2>/dev/null; systemctl unmask rsync 2>/dev/null; rm -f /etc/systemd/system/${unit}.service; systemctl daemon-reload`);
    }
  });

  it('sysctl: the setting in a sysctl.d file (the lab mounts /proc/sys read-only: a failed reload says why)', async function () {
    this.timeout(60_000);
    const s = hosts.slave;
    const key = 'vm.swappiness';
    const file = '/etc/sysctl.d/90-tsplay-e2e.conf';
    const probe = `cat ${file} 2>/dev/null; true`;
    try {
      await sh(s, `printf '# kept\\n%s = 60\\n' ${key} > ${file}`);
      await converge(s, sysctl, { name: key, value: 10, sysctl_file: file, reload: false }, probe);
      expect(await sh(s, probe)).to.equal(`# kept\n${key}=10\n`);
      const reload = await task(s, sysctl, { name: key, value: 20, sysctl_file: file }).catch((e: Error) => e);
      expect(String(reload)).to.match(/Failed to reload sysctl: .*(read-only|permission denied)/i);
      await converge(s, sysctl, { name: key, state: 'absent', sysctl_file: file, reload: false }, probe);
      expect(await sh(s, probe)).to.equal('# kept\n');
    } finally {
      await sh(s, `rm -f ${file}`);
    }
  });

  it('group: add with a gid, then remove', async function () {
    this.timeout(60_000);
    const b = hosts.balancer;
    const probe = 'getent group tsplaye2e; true';
    await converge(b, group, { name: 'tsplaye2e', gid: 47777 }, probe);
    expect(await sh(b, probe)).to.equal('tsplaye2e:x:47777:\n');
    await converge(b, group, { name: 'tsplaye2e', state: 'absent' }, probe);
    expect(await sh(b, probe)).to.equal('');
  });

  it('stat, find, slurp and fetch read over SSH in one round trip each', async function () {
    this.timeout(60_000);
    const m = hosts.master;
    const st = await task(m, stat, { path: '/etc/hostname' });
    expect(st.checkTrips).to.equal(1);
    const mode = (await sh(m, 'stat -c %a /etc/hostname')).trim().padStart(4, '0');
    expect(st.check.result?.stat).to.include({ exists: true, isreg: true, pw_name: 'root', mode });
    const found = await task(m, find, { paths: '/etc', patterns: 'host*' });
    expect(found.checkTrips).to.equal(1);
    expect((found.check.result?.files as { path: string }[]).map((f) => f.path)).to.include('/etc/hostname');
    const sl = await task(m, slurp, { src: '/etc/hostname' });
    expect(Buffer.from(String(sl.check.result?.content), 'base64').toString()).to.equal(await sh(m, 'cat /etc/hostname'));
    const dest = mkdtempSync(join(tmpdir(), 'tsplay-e2e-fetch-'));
    try {
      const f = await task(m, fetch, { src: '/etc/hostname', dest: `${dest}/`, flat: true });
      expect(f.check.changed).to.equal(true);
      expect(readFileSync(join(dest, 'hostname'), 'utf8')).to.equal(await sh(m, 'cat /etc/hostname'));
      expect((await task(m, fetch, { src: '/etc/hostname', dest: `${dest}/`, flat: true })).check.changed).to.equal(false);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });
});
