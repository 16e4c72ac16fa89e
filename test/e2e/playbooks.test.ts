// The bundled playbooks on the lab, as a user runs them: a dry run on fresh hosts writes
// nothing, site.yml builds the cluster and verifies it, a second run changes nothing, one
// section runs alone with --tags, and the failover drill promotes the standby.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { labReset, labUp, reserveLab } from '../../lab/commands.js';
import { hostPaths } from '../../lab/paths.js';
import { runCli } from '../support/cli.js';
import { explain, recap, tsplay } from '../support/lab-playbooks.js';
import { requireRootOrSkip } from '../support/root.js';

const HOSTS = ['master', 'slave', 'balancer'];

// Logs, runtime state and caches change whenever a host runs or someone logs in: not writes by a dry run.
const IGNORED = [/^\/var\/log\//, /^\/run\//, /^\/tmp\//, /^\/var\/tmp\//, /^\/var\/cache\//, /^\/var\/lib\/systemd\//, /^\/var\/lib\/sudo\//, /^\/root\/\.cache\//, /^\/var\/lib\/apt\/lists\//, /^\/etc\/ld\.so\.cache$/];

/** Every file in a host's overlay upper directory: path → type, mode, owner and content hash. */
function snapshot(host: string): Map<string, string> {
  const root = hostPaths(host).upper;
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const rel = full.slice(root.length);
      if (IGNORED.some((re) => re.test(rel) || re.test(rel + '/'))) continue;
      const st = lstatSync(full);
      let what = `${st.mode.toString(8)} ${st.uid}:${st.gid}`;
      if (st.isDirectory()) {
        out.set(rel, `${what} dir`);
        walk(full);
        continue;
      }
      if (st.isSymbolicLink()) what += ` -> ${readlinkSync(full)}`;
      else if (st.isFile()) what += ` ${createHash('sha256').update(readFileSync(full)).digest('hex')}`;
      out.set(rel, what);
    }
  };
  walk(root);
  return out;
}

function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const diff: string[] = [];
  for (const [p, v] of after) if (before.get(p) !== v) diff.push(`${before.has(p) ? 'changed' : 'added'}: ${p}`);
  for (const p of before.keys()) if (!after.has(p)) diff.push(`removed: ${p}`);
  return diff;
}

describe('bundled playbooks on the lab (e2e)', function () {
  this.timeout(20 * 60_000);
  let release: (() => void) | undefined;

  before(async function () {
    requireRootOrSkip(this, 'bundled playbooks e2e');
    release = await reserveLab();
    await labUp();
    await labReset();
  });

  after(() => release?.());

  // The later tests need the cluster that site.yml builds: without it they would only repeat its failure.
  let built = false;
  beforeEach(function () {
    const needsCluster = !/--check|site\.yml builds/.test(this.currentTest?.title ?? '');
    if (needsCluster && !built) this.skip();
  });

  it('--check on fresh hosts reports the changes it would make and writes nothing', async () => {
    const before = new Map(HOSTS.map((h) => [h, snapshot(h)]));
    const r = await tsplay(['playbooks/site.yml', '--check'], 5 * 60_000);
    expect(r.code, explain(r)).to.equal(0);
    expect(r.stdout).to.match(/changed: \[master\]: .*postgresql/);
    for (const h of HOSTS) {
      expect(recap(r.stdout)[h]?.changed, `${h} would change`).to.be.greaterThan(0);
      expect(changes(before.get(h)!, snapshot(h)), `${h}'s files after --check`).to.deep.equal([]);
    }
  });

  it('site.yml builds the cluster on fresh hosts and its verify section passes', async () => {
    const r = await tsplay(['playbooks/site.yml'], 15 * 60_000);
    expect(r.code, explain(r)).to.equal(0);
    for (const h of HOSTS) expect(recap(r.stdout)[h], h).to.include({ failed: 0, unreachable: 0 });
    expect(r.stdout).to.include('PLAY [');
    expect(r.stdout).to.match(/TASK \[[^\]]*pcp_node_info[^\]]*\]/i);
    built = true;
  });

  it('a second run changes nothing on any host', async () => {
    const r = await tsplay(['playbooks/site.yml'], 10 * 60_000);
    expect(r.code, explain(r)).to.equal(0);
    for (const h of HOSTS) expect(recap(r.stdout)[h], h).to.include({ changed: 0, failed: 0 });
  });

  it('--tags replication runs only the replication section', async () => {
    const listed = await runCli(['run', 'playbooks/site.yml', '--list-tasks', '--tags', 'replication']);
    const expected = new Set([...listed.stdout.matchAll(/^ {6}(.+?)\tTAGS: /gm)].map((m) => m[1]!));
    expect(expected.size).to.be.greaterThan(3);
    const r = await tsplay(['playbooks/site.yml', '--tags', 'replication'], 10 * 60_000);
    expect(r.code, explain(r)).to.equal(0);
    const ran = [...r.stdout.matchAll(/^(?:TASK|RUNNING HANDLER) \[(.+?)\] \*+$/gm)].map((m) => m[1]!).filter((t) => t !== 'Gathering Facts');
    expect(ran.length).to.be.greaterThan(3);
    const handlers = [...r.stdout.matchAll(/^RUNNING HANDLER \[(.+?)\]/gm)].map((m) => m[1]!);
    for (const t of ran) if (!handlers.includes(t)) expect(expected.has(t) || /\{\{/.test(t), `task '${t}' is in the replication section`).to.equal(true);
    for (const h of HOSTS) expect(recap(r.stdout)[h], h).to.include({ changed: 0, failed: 0 });
  });

  it('the failover drill promotes the slave and writes through the balancer again', async () => {
    const r = await tsplay(['playbooks/drill-failover.yml'], 10 * 60_000);
    expect(r.code, explain(r)).to.equal(0);
    expect(r.stdout).to.match(/cut → slave promoted: +\d+(\.\d+)? s/);
    expect(r.stdout).to.match(/cut → first write through balancer: +\d+(\.\d+)? s/);
  });
});
