// Selecting what runs: --tags/--skip-tags (always, never, tagged, untagged, play tags, tags
// inherited through import_tasks and blocks), --start-at-task, --limit, and the --list-* views.
import { expect } from 'chai';
import { localInventory, playbookDir, removePlaybookDirs, runCli } from '../support/cli.js';
import type { RunFlags } from '../../cli/run-command.js';
import { runInProcess, seen } from './in-process.js';

const SITE = `
- name: first
  hosts: all
  gather_facts: false
  tasks:
    - record: {t: untagged}
    - record: {t: a}
      tags: a
    - record: {t: b}
      tags: [b, shared]
    - record: {t: always}
      tags: always
    - record: {t: never}
      tags: never
    - record: {t: never-debug}
      tags: [never, debug]
    - import_tasks: imported.yml
      tags: imp
      when: run_imported
    - block:
        - record: {t: in-block}
        - record: {t: in-block-x}
          tags: x
      tags: blk
- name: second
  hosts: all
  gather_facts: false
  tags: second
  tasks:
    - record: {t: second-play}
`;

const IMPORTED = `
- record: {t: imported-1}
- record: {t: imported-2}
  tags: shared
`;

describe('integration: tags', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    // The real CLI has no 'record' module: it lists a copy that uses debug.
    const debug = (yaml: string) => yaml.replaceAll('record: {t:', 'debug: {msg:');
    dir = playbookDir({
      'inventory.yml': localInventory({ h1: { run_imported: true }, h2: { run_imported: false } }),
      'site.yml': SITE,
      'imported.yml': IMPORTED,
      'list/site.yml': debug(SITE),
      'list/imported.yml': debug(IMPORTED),
    });
  });
  after(removePlaybookDirs);

  const ran = async (flags: Partial<RunFlags>, host = 'h1') => {
    const r = await runInProcess(dir, 'site.yml', flags);
    expect(r.code, r.out).to.equal(0);
    return seen(r.records, host, 't');
  };

  const cases: [string, Partial<RunFlags>, string[]][] = [
    ['no selection: all but never', {}, ['untagged', 'a', 'b', 'always', 'imported-1', 'imported-2', 'in-block', 'in-block-x', 'second-play']],
    ['--tags a (and always)', { tags: ['a'] }, ['a', 'always']],
    ['--tags a,b and repeated -t', { tags: ['a,b', 'x'] }, ['a', 'b', 'always', 'in-block-x']],
    ['tags of import_tasks reach its tasks', { tags: ['imp'] }, ['always', 'imported-1', 'imported-2']],
    ['tags inside an imported file', { tags: ['shared'] }, ['b', 'always', 'imported-2']],
    ['tags of a block reach its tasks', { tags: ['blk'] }, ['always', 'in-block', 'in-block-x']],
    ['never runs when one of its tags is asked for', { tags: ['debug'] }, ['always', 'never-debug']],
    ['--tags never', { tags: ['never'] }, ['always', 'never', 'never-debug']],
    ['--tags tagged', { tags: ['tagged'] }, ['a', 'b', 'always', 'imported-1', 'imported-2', 'in-block', 'in-block-x', 'second-play']],
    ['--tags untagged', { tags: ['untagged'] }, ['untagged', 'always']],
    ['--skip-tags always', { skipTags: ['always'] }, ['untagged', 'a', 'b', 'imported-1', 'imported-2', 'in-block', 'in-block-x', 'second-play']],
    ['--skip-tags blk,imp', { skipTags: ['blk,imp'] }, ['untagged', 'a', 'b', 'always', 'second-play']],
    ['--tags blk --skip-tags x', { tags: ['blk'], skipTags: ['x'] }, ['always', 'in-block']],
    ['play tags', { tags: ['second'] }, ['always', 'second-play']],
    ['--skip-tags tagged', { skipTags: ['tagged'] }, ['untagged']],
  ];
  for (const [name, flags, expected] of cases) {
    it(name, async () => expect(await ran(flags)).to.deep.equal(expected));
  }

  it('the when of import_tasks reaches its tasks', async () => {
    expect(await ran({}, 'h2')).to.deep.equal(['untagged', 'a', 'b', 'always', 'in-block', 'in-block-x', 'second-play']);
  });

  it('--list-tasks and --list-tags show what would run, contacting no host', async () => {
    const [tasks, tags] = await Promise.all([
      runCli(['run', 'list/site.yml', '--list-tasks', '--tags', 'blk'], { cwd: dir }),
      runCli(['run', 'list/site.yml', '--list-tags'], { cwd: dir }),
    ]);
    expect(tasks.code, tasks.stderr).to.equal(0);
    expect(tasks.stdout).to.include('play #1 (all): first').and.include('play #2 (all): second');
    const listed = tasks.stdout.split('\n').filter((l) => l.startsWith('      ')).map((l) => l.trim());
    expect(listed).to.deep.equal(['debug\tTAGS: [always]', 'debug\tTAGS: [blk]', 'debug\tTAGS: [blk, x]']);
    expect(tags.code, tags.stderr).to.equal(0);
    expect(tags.stdout).to.include('TASK TAGS: [a, always, b, blk, debug, imp, never, shared, x]');
    expect(tags.stdout).to.include('TASK TAGS: [second]');
  });
});

describe('integration: --start-at-task and --limit', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  it('--start-at-task skips every task before the named one, meta included, in every play', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - {name: one, record: {t: one}}
    - meta: end_play
    - block:
        - {name: two, record: {t: two}}
        - {name: three, record: {t: three}}
    - {name: four, record: {t: four}}
- hosts: all
  gather_facts: false
  tasks:
    - {name: five, record: {t: five}}
    - {name: six, record: {t: six}}
`,
    });
    const from = async (startAtTask: string) => {
      const r = await runInProcess(dir, 'site.yml', { startAtTask });
      expect(r.code, r.out).to.equal(0);
      return seen(r.records, 'h1', 't');
    };
    expect(await from('three')).to.deep.equal(['three', 'four', 'five', 'six']);
    expect(await from('six')).to.deep.equal(['six']);
    const err = await runInProcess(dir, 'site.yml', { startAtTask: 'seven' }).catch((e: Error) => e);
    expect(String(err)).to.include("--start-at-task: no task named 'seven'");
  });

  it('--limit restricts every play to the matching hosts', async () => {
    const site = `
- hosts: all
  gather_facts: false
  tasks:
    - record: {t: all}
- hosts: db
  gather_facts: false
  tasks:
    - record: {t: db}
`;
    const dir = playbookDir({
      'site.yml': site,
      // The real CLI has no 'record' module.
      'list.yml': site.replaceAll('record: {t:', 'debug: {msg:'),
      'inventory.yml': `
all:
  children:
    web:
      hosts:
        web1: {ansible_connection: local}
        web2: {ansible_connection: local}
    db:
      hosts:
        db1: {ansible_connection: local}
`,
    });
    const hostsFor = async (limit: string) => {
      const r = await runInProcess(dir, 'site.yml', { limit });
      expect(r.code, r.out).to.equal(0);
      return r.records.map((x) => `${x.host}:${x.args.t}`);
    };
    expect(await hostsFor('web1')).to.deep.equal(['web1:all']);
    expect(await hostsFor('all:!web')).to.deep.equal(['db1:all', 'db1:db']);
    expect(await hostsFor('web*')).to.deep.equal(['web1:all', 'web2:all']);
    expect(await hostsFor('web,db,&web2')).to.deep.equal(['web2:all']);

    // As ansible-playbook: a --limit that leaves no host is an error (exit 1), before any play;
    // one that leaves a host for some plays only skips the others with a warning.
    const none = await runCli(['run', 'list.yml', '-i', 'inventory.yml', '--limit', 'nosuchhost'], { cwd: dir });
    expect(none.code).to.equal(1);
    expect(none.stderr).to.include("ERROR! Specified inventory, host pattern and/or --limit leaves us with no hosts to target: no host matches --limit 'nosuchhost'");
    expect(none.stdout).not.to.include('PLAY');
    expect((await runCli(['run', 'list.yml', '-i', 'inventory.yml', '--list-hosts', '--limit', 'nosuchhost'], { cwd: dir })).code).to.equal(1);

    const listed = await runCli(['run', 'list.yml', '-i', 'inventory.yml', '--list-hosts', '--limit', 'web'], { cwd: dir });
    expect(listed.code, listed.stderr).to.equal(0);
    expect(listed.stdout).to.match(/pattern: \['all'\]\n {4}hosts \(2\):\n {6}web1\n {6}web2/);
    expect(listed.stdout).to.match(/pattern: \['db'\]\n {4}hosts \(0\):/);
  });
});
