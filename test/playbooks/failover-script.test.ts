// failover.sh as the playbooks install it (the golden renderings for 9.6 and 15), run in a local
// sh against fake hosts: `ssh` runs the remote command in a folder of its own per host (and waits
// while the host is "cut"), `pg_ctlcluster` and `psql` record their calls. The late fence: the
// background fence of a cut primary reached it once it was back, after rejoin.yml had made it a
// standby, and stopped it; it must leave a node with its standby marker alone.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GOLDEN = fileURLToPath(new URL('../../../test/playbooks/golden/', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const FAKES: Record<string, string> = {
  // Not root: failover.sh then runs ssh itself rather than through su postgres.
  id: 'echo 1000',
  ssh: [
    'for a; do host=$last; last=$a; done',
    'host=${host#*@}',
    'while [ -e "$SANDBOX/cut-$host" ]; do sleep 0.05; done',
    'cmd=$(printf %s "$last" | sed "s|$SANDBOX/|$SANDBOX/$host/|g")',
    'FAKE_HOST=$host exec sh -c "$cmd"',
  ].join('\n'),
  pg_ctlcluster: 'echo "$FAKE_HOST pg_ctlcluster $*" >>"$SANDBOX/calls"',
  psql: 'echo "$FAKE_HOST psql $* $(tr "\\n" " ")" >>"$SANDBOX/calls"',
};

interface Sandbox {
  dir: string;
  script: string;
  file(host: string, path: string): string;
  calls(): string;
  log(): string;
}

function sandbox(version: string, synchronous = false): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-failover-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const [name, body] of Object.entries(FAKES)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  const file = (host: string, path: string) => join(dir, host, path);
  for (const host of ['master', 'slave']) {
    mkdirSync(file(host, `var/lib/postgresql/${version}/main`), { recursive: true });
    mkdirSync(file(host, `etc/postgresql/${version}/main`), { recursive: true });
    writeFileSync(file(host, `etc/postgresql/${version}/main/start.conf`), 'auto\n');
  }
  let text = readFileSync(join(GOLDEN, version, 'failover.sh'), 'utf8')
    .replaceAll('/var/log/postgresql/pgpool-failover.log', join(dir, 'failover.log'))
    .replaceAll('/var/lib/postgresql', `${dir}/var/lib/postgresql`)
    .replaceAll('/etc/postgresql', `${dir}/etc/postgresql`);
  if (synchronous) text = text.replace(/^synchronous=no$/m, 'synchronous=yes');
  const script = join(dir, 'failover.sh');
  writeFileSync(script, text);
  const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
  return { dir, script, file, calls: () => read('calls'), log: () => read('failover.log') };
}

/** failover.sh ARGS; resolves when the script itself exits (its background fence may go on). */
function failover(s: Sandbox, ...args: string[]): Promise<{ code: number | null; ms: number }> {
  const t0 = Date.now();
  const child = spawn('sh', [s.script, ...args], { env: { ...process.env, PATH: `${join(s.dir, 'bin')}:${process.env.PATH}`, SANDBOX: s.dir }, stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, ms: Date.now() - t0 }));
  });
}

async function logLine(s: Sandbox, re: RegExp): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const m = re.exec(s.log());
    if (m) return m[0];
    await sleep(50);
  }
  throw new Error(`no ${re} in failover.log:\n${s.log()}`);
}

for (const [version, marker] of [['9.6', 'recovery.conf'], ['15', 'standby.signal']] as const) {
  describe(`failover.sh for PostgreSQL ${version}, run against fake hosts`, function () {
    this.timeout(20_000);
    let s: Sandbox;
    afterEach(() => rmSync(s.dir, { recursive: true, force: true }));

    /** The primary master (node 0) is cut: failover.sh promotes slave and fences master in the background. */
    async function cutMaster(): Promise<void> {
      writeFileSync(join(s.dir, 'cut-master'), '');
      const r = await failover(s, '0', 'master', '0', '1', 'slave');
      expect(r.code).to.equal(0);
      // The failover does not wait for the cut host.
      expect(r.ms).to.be.below(5000);
      expect(s.calls()).to.include(`slave pg_ctlcluster ${version} main promote`);
      expect(s.calls()).not.to.include('master');
    }

    it('a fence that reaches the cut primary late, after rejoin.yml made it a standby, leaves it alone', async () => {
      s = sandbox(version);
      await cutMaster();
      // rejoin.yml, while master was still unreachable to the fence: master is a standby again.
      writeFileSync(s.file('master', `var/lib/postgresql/${version}/main/${marker}`), '');
      rmSync(join(s.dir, 'cut-master'));
      expect(await logLine(s, /old primary master .*/)).to.include('is a standby again (rejoined): not fenced');
      expect(s.calls()).not.to.match(/^master /m);
      expect(readFileSync(s.file('master', `etc/postgresql/${version}/main/start.conf`), 'utf8')).to.equal('auto\n');
    });

    it('the same late fence stops a stale primary and keeps it from starting at boot', async () => {
      s = sandbox(version);
      await cutMaster();
      rmSync(join(s.dir, 'cut-master'));
      expect(await logLine(s, /old primary master .*/)).to.include('fenced (stopped, start.conf manual)');
      expect(s.calls()).to.include(`master pg_ctlcluster ${version} main stop -m fast`);
      expect(readFileSync(s.file('master', `etc/postgresql/${version}/main/start.conf`), 'utf8')).to.equal('manual\n');
    });

    it('synchronous: the promoted node, and a primary whose standby failed, stop waiting for a standby', async () => {
      s = sandbox(version, true);
      expect((await failover(s, '1', 'slave', '0', '0', 'master')).code).to.equal(0);
      expect(s.calls()).to.include("master psql -X -q -At -d postgres -p 5432 ALTER SYSTEM SET synchronous_standby_names = ''; SELECT pg_reload_conf();");
      expect(s.calls()).not.to.include('promote');
      await logLine(s, /master no longer waits for a synchronous standby/);
      writeFileSync(join(s.dir, 'calls'), '');
      expect((await failover(s, '0', 'master', '0', '1', 'slave')).code).to.equal(0);
      const calls = s.calls().split('\n');
      expect(calls[0]).to.equal(`slave pg_ctlcluster ${version} main promote`);
      expect(calls[1]).to.match(/^slave psql .*ALTER SYSTEM SET synchronous_standby_names = ''/);
      await logLine(s, /old primary master fenced/);
    });

    it('asynchronous: nothing is sent to the node left when the standby fails', async () => {
      s = sandbox(version);
      expect((await failover(s, '1', 'slave', '0', '0', 'master')).code).to.equal(0);
      expect(s.calls()).to.equal('');
      await logLine(s, /node 1 was not the primary: nothing to promote/);
    });
  });
}
