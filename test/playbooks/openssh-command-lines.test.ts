// Every ssh, ssh-keygen and ssh-keyscan command line that the modules and the bundled playbooks
// send to a host must run on OpenSSH 7.4 (Astra Linux SE 1.6) and on today's OpenSSH. The lines
// are collected from what is really generated, never listed by hand:
// - modules: every command of every module fixture case (check and apply) as the harness
//   records it on its fake connection;
// - playbooks: the argv/cmd of every command and shell task (`{{ }}` parts become unknown
//   values, so letters and literal -o values are checked);
// - installed scripts: failover.sh as rendered for each supported PostgreSQL (golden files).
// Each line goes through the option-set checker of both releases and, for ssh, through the
// installed ssh's own parser (`ssh -G`, which parses and prints the configuration, no connection).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPENSSH_RELEASES, checkOpenSshCommand } from '../../lab/openssh/checker.js';
import { loadYamlFile } from '../../engine/yaml-source.js';
import { type CaseFile, runCase } from '../modules/harness.js';
import { REPO } from '../support/cli.js';
import { sshCommandLines } from '../support/ssh-command-lines.js';

interface Found {
  where: string;
  argv: string[];
}

const casesDir = join(dirname(fileURLToPath(import.meta.url)), '../modules/cases');

async function fromModules(): Promise<Found[]> {
  const files = readdirSync(casesDir).filter((f) => f.endsWith('.cases.js')).sort();
  const found: Found[] = [];
  for (const f of files) {
    const file = ((await import(join(casesDir, f))) as { default: CaseFile }).default;
    for (const c of file.cases) {
      const run = await runCase(file.module, c).catch(() => undefined);
      if (!run) continue;
      const conns = [run.checkConn, ...(run.applyConn ? [run.applyConn] : []), ...run.peerConns];
      for (const x of conns.flatMap((conn) => conn.commands)) {
        for (const argv of sshCommandLines(x.command)) found.push({ where: `module ${file.module.name}, case '${c.name}'`, argv });
      }
    }
  }
  return found;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A `{{ }}` part becomes an unknown word (`$…`) for the checker. */
const unknown = (s: string): string => s.replace(/\{\{[\s\S]*?\}\}/g, '$TEMPLATED');

function tasksOf(list: unknown, out: Obj[] = []): Obj[] {
  if (!Array.isArray(list)) return out;
  for (const t of list) {
    if (!isObj(t)) continue;
    out.push(t);
    for (const k of ['block', 'rescue', 'always']) tasksOf(t[k], out);
  }
  return out;
}

function fromPlaybooks(): { found: Found[]; unchecked: string[] } {
  const found: Found[] = [];
  const unchecked: string[] = [];
  const dir = join(REPO, 'playbooks');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yml'))) {
    const { documents } = loadYamlFile(join(dir, f));
    const plays = documents.flatMap((d) => (Array.isArray(d) ? d : [])).filter(isObj);
    const tasks = plays.flatMap((p) => ['pre_tasks', 'tasks', 'post_tasks', 'handlers'].flatMap((k) => tasksOf(p[k])));
    for (const t of tasks) {
      for (const mod of ['command', 'shell']) {
        const a = t[mod];
        if (a === undefined) continue;
        const where = `${f}: '${String(t.name)}'`;
        const args = isObj(a) ? a : { cmd: a };
        if (Array.isArray(args.argv)) {
          const argv = args.argv.map((w) => unknown(String(w)));
          if (/^(?:.*\/)?ssh(?:-keygen|-keyscan)?$/.test(argv[0]!)) found.push({ where, argv });
          else for (const w of argv) for (const x of sshCommandLines(w)) found.push({ where, argv: x });
        } else if (typeof args.argv === 'string') {
          // An argv computed by one expression cannot be checked: the test must see the words.
          if (/ssh/.test(args.argv)) unchecked.push(`${where}: argv is one expression; write it as a list`);
        } else {
          for (const argv of sshCommandLines(unknown(String(args.cmd ?? args._raw_params ?? '')))) found.push({ where, argv });
        }
      }
    }
  }
  return { found, unchecked };
}

function fromInstalledScripts(): Found[] {
  const golden = join(REPO, 'test/playbooks/golden');
  return readdirSync(golden).flatMap((v) =>
    sshCommandLines(readFileSync(join(golden, v, 'failover.sh'), 'utf8')).map((argv) => ({ where: `failover.sh for PostgreSQL ${v}`, argv })),
  );
}

/** `ssh -G` parses options exactly as a connection would, then prints the result and exits. */
function installedSshProblem(argv: string[]): string | undefined {
  const words = argv.slice(1).map((w) => w.replace(/\$(?:\{\w+\}|\w+)/g, 'x'));
  const r = spawnSync('ssh', ['-G', ...words], { encoding: 'utf8', env: { ...process.env, HOME: '/nonexistent' } });
  if (r.error) throw r.error;
  return r.status === 0 ? undefined : r.stderr.trim();
}

describe('every OpenSSH command line of the modules and playbooks runs on OpenSSH 7.4 and today', () => {
  let all: Found[] = [];
  let unchecked: string[] = [];

  before(async () => {
    const playbooks = fromPlaybooks();
    unchecked = playbooks.unchecked;
    all = [...(await fromModules()), ...playbooks.found, ...fromInstalledScripts()];
  });

  it('finds the command lines (ssh-keygen of ssh_keypair, the base backup rsync -e ssh, the failover ssh)', () => {
    const programs = new Set(all.map((f) => `${f.argv[0]} from ${f.where.split(',')[0]!.split(':')[0]}`));
    expect([...programs]).to.include.members([
      'ssh-keygen from module ssh_keypair',
      'ssh from module rsync_basebackup',
      'ssh from failover.yml',
      'ssh from failover.sh for PostgreSQL 9.6',
    ]);
    expect(unchecked).to.deep.equal([]);
  });

  for (const release of OPENSSH_RELEASES) {
    it(`no option that OpenSSH ${release} lacks or refuses`, () => {
      const problems = all.flatMap((f) => checkOpenSshCommand(f.argv, release).map((p) => `${f.where}: ${f.argv.join(' ')}\n    ${p}`));
      expect([...new Set(problems)]).to.deep.equal([]);
    });
  }

  it("the installed ssh's parser accepts every ssh line (ssh -G)", () => {
    const problems = all.filter((f) => f.argv[0] === 'ssh').flatMap((f) => {
      const p = installedSshProblem(f.argv);
      return p ? [`${f.where}: ${f.argv.join(' ')}\n    ${p}`] : [];
    });
    expect([...new Set(problems)]).to.deep.equal([]);
  });
});
