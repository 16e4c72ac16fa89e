// The corpus (test/corpus/ansible): real-world-shaped Ansible content — a role with defaults,
// meta dependencies, handlers, a Jinja2 template and include_vars, a vaulted group_vars, an INI
// inventory with groups of groups, facts, stat-driven tasks and a serial rolling restart over
// three local hosts — run unchanged by ansible-playbook and by tsplay, twice each: the same
// changed counts, logs and files.
import { expect } from 'chai';
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { playbookDir, removePlaybookDirs, REPO } from '../support/cli.js';
import { requireAnsible, runAnsiblePlaybook } from '../support/ansible.js';
import { recap, runInProcess } from './in-process.js';

const CORPUS = join(REPO, 'test', 'corpus', 'ansible');

/** Every file under a folder: content and mode. */
function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out[relative(dir, p)] = `${(st.mode & 0o777).toString(8)} ${readFileSync(p, 'utf8')}`;
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

describe('integration: the Ansible corpus under ansible-playbook and tsplay', function () {
  this.timeout(240_000);
  before(function () {
    requireAnsible(this, 'the corpus comparison');
  });
  after(removePlaybookDirs);

  it('site.yml: same changed and failed counts on the first and the second run, same logs, same files', async () => {
    const dir = playbookDir({});
    cpSync(CORPUS, dir, { recursive: true });
    const inventory = join(dir, 'inventory.ini');
    const pass = join(dir, 'vault-pass.txt');
    const counts = (stats: Record<string, { changed: number; failed: number }>) => Object.fromEntries(Object.entries(stats).map(([h, s]) => [h, { changed: s.changed, failed: s.failed }]));
    const ansibleOut = join(dir, 'ansible-out');
    const tsplayOut = join(dir, 'tsplay-out');
    for (const round of ['first', 'second']) {
      const a = await runAnsiblePlaybook(join(dir, 'site.yml'), { tmp: dir, inventory, cwd: dir, args: ['-f', '1', '--vault-password-file', pass, '-e', `out=${ansibleOut}`] });
      expect(a.code, `${round} ansible: ${a.stderr}`).to.equal(0);
      const t = await runInProcess(dir, 'site.yml', { inventory, forks: 1, vaultPasswordFile: [pass], extraVars: [`out=${tsplayOut}`] });
      expect(t.code, t.out).to.equal(0);
      const hosts = Object.keys(a.report.stats).sort();
      expect(hosts).to.deep.equal(['h1', 'h2', 'h3']);
      const ansibleCounts = counts(Object.fromEntries(hosts.map((h) => [h, { changed: a.report.stats[h]!.changed, failed: a.report.stats[h]!.failures }])));
      const tsplayCounts = counts(Object.fromEntries(hosts.map((h) => [h, recap(t.out, h) as { changed: number; failed: number }])));
      expect(tsplayCounts, `${round} run:\n${t.out}`).to.deep.equal(ansibleCounts);
      expect(t.out).to.not.include('Corpus-Repl-Secret-7');
    }
    expect(files(tsplayOut)).to.deep.equal(files(ansibleOut));
    expect(readFileSync(join(ansibleOut, 'rolling.log'), 'utf8').split('\n').slice(0, 3)).to.deep.equal(['h1 stop', 'h1 start port=5433', 'h2 stop']);
    expect(readFileSync(join(ansibleOut, 'h2', 'pgpass'), 'utf8')).to.equal('*:*:*:replicator:Corpus-Repl-Secret-7\n');
    // The template used the facts, the inventory's groups, include_vars' file and a loop.
    const conf = readFileSync(join(ansibleOut, 'h2', 'postgresql.conf'), 'utf8');
    expect(conf).to.match(/^# managed by the corpus role \(h2, replica\)\n/).and.to.match(/^shared_buffers = \d+MB$/m);
    expect(conf).to.include("data_directory = '/var/lib/postgresql/15/main'").and.to.include('hot_standby = on\nwal_level = replica');
  });
});
