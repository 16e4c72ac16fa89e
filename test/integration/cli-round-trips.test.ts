// The cost of a run in round trips, counted in-process by wrapping every connection the runner
// opens. Facts cost one per host; controller-only modules cost none. Checks of consecutive tasks
// are read ahead together (engine/runner/prefetch-checks.ts): a run of tasks that change nothing
// costs ONE remote command per host; with TSPLAY_BATCH=0, one per task per host. Batching on or
// off, the outcomes are the same.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../cli/run-command.js';
import type { Connection, ExecOptions } from '../../engine/module-api.js';
import { Registry } from '../../engine/module-registry.js';
import type { RunSummary } from '../../engine/runner/play-runner.js';
import { bundledFacts, bundledModules } from '../../modules/index.js';
import { localInventory, playbookDir, removePlaybookDirs } from '../support/cli.js';

/** Counts remote commands per task title and host. */
class Counter {
  task = '';
  readonly counts: Record<string, Record<string, number>> = {};

  wrap(inner: Connection): Connection {
    const self = this;
    return {
      host: inner.host,
      get roundTrips() {
        return inner.roundTrips;
      },
      exec(command: string, opts?: ExecOptions) {
        const perHost = (self.counts[self.task] ??= {});
        perHost[inner.host] = (perHost[inner.host] ?? 0) + 1;
        return inner.exec(command, opts);
      },
      close: () => inner.close(),
    };
  }
}

async function withoutBatching<T>(f: () => Promise<T>): Promise<T> {
  process.env.TSPLAY_BATCH = '0';
  try {
    return await f();
  } finally {
    delete process.env.TSPLAY_BATCH;
  }
}

async function countedRun(dir: string, playbook: string, verbose = 0): Promise<{ code: number; counts: Counter['counts']; summary: RunSummary; out: string }> {
  const counter = new Counter();
  let out = '';
  let summary: RunSummary | undefined;
  const code = await runCommand(
    new Registry(bundledModules, bundledFacts),
    join(dir, playbook),
    { inventory: join(dir, 'inventory.yml'), tags: [], skipTags: [], extraVars: [], forks: 5, verbose, modulePath: [], output: 'plain' },
    {
      write: (t) => {
        out += t;
        const m = /(?:TASK|RUNNING HANDLER) \[(.+?)\]/.exec(t);
        if (m) counter.task = m[1]!;
      },
      wrapConnection: (c) => counter.wrap(c),
      onSummary: (s) => (summary = s),
    },
  );
  return { code, counts: counter.counts, summary: summary!, out };
}

const FIVE_TASKS = [1, 2, 3, 4, 5]
  .map((i) => `    - name: line ${i}\n      file_line: {path: "{{ playbook_dir }}/{{ inventory_hostname }}.conf", regexp: "^key${i}=", line: "key${i}=value${i}"}`)
  .join('\n');

const CONTENT = [1, 2, 3, 4, 5].map((i) => `key${i}=value${i}\n`).join('');

describe('integration: round trips', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  const play = (gather: boolean) => `- hosts: all\n  gather_facts: ${gather}\n  tasks:\n${FIVE_TASKS}\n`;
  const perTask = (n: number) => Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`line ${i}`, { h1: n, h2: n }]));

  it('2 hosts x 5 file_line tasks that change nothing: facts 1 + one read-ahead of all 5 per host', async () => {
    const dir = playbookDir({ 'inventory.yml': localInventory(['h1', 'h2']), 'site.yml': play(true), 'h1.conf': CONTENT, 'h2.conf': CONTENT });
    const r = await countedRun(dir, 'site.yml');
    expect(r.code, r.out).to.equal(0);
    expect(r.counts).to.deep.equal({ 'Gathering Facts': { h1: 1, h2: 1 }, 'line 1': { h1: 1, h2: 1 } });
    expect(r.summary.roundTrips).to.deep.equal({ h1: 2, h2: 2 });
    expect(r.out).not.to.include('changed:');
  });

  it('with gather_facts: false, exactly 1 per host', async () => {
    const dir = playbookDir({ 'inventory.yml': localInventory(['h1', 'h2']), 'site.yml': play(false), 'h1.conf': CONTENT, 'h2.conf': CONTENT });
    const r = await countedRun(dir, 'site.yml');
    expect(r.code, r.out).to.equal(0);
    expect(r.counts).to.deep.equal({ 'line 1': { h1: 1, h2: 1 } });
    expect(r.summary.roundTrips).to.deep.equal({ h1: 1, h2: 1 });
  });

  it('with TSPLAY_BATCH=0, exactly 1 per task per host', async () => {
    const dir = playbookDir({ 'inventory.yml': localInventory(['h1', 'h2']), 'site.yml': play(false), 'h1.conf': CONTENT, 'h2.conf': CONTENT });
    const r = await withoutBatching(() => countedRun(dir, 'site.yml'));
    expect(r.code, r.out).to.equal(0);
    expect(r.counts).to.deep.equal(perTask(1));
    expect(r.summary.roundTrips).to.deep.equal({ h1: 5, h2: 5 });
  });

  it('a change costs check, write and the convergence re-check: 3; what follows is read ahead again', async () => {
    const dir = playbookDir({ 'inventory.yml': localInventory(['h1', 'h2']), 'site.yml': play(false), 'h1.conf': '', 'h2.conf': CONTENT });
    const r = await countedRun(dir, 'site.yml');
    expect(r.code, r.out).to.equal(0);
    expect(r.counts).to.deep.equal({ 'line 1': { h1: 3, h2: 1 }, ...Object.fromEntries([2, 3, 4, 5].map((i) => [`line ${i}`, { h1: 3 }])) });
  });

  it('gives the same outcomes, output and files with batching on and off', async () => {
    const files = (content: string) => ({
      'inventory.yml': localInventory(['h1', 'h2']),
      'site.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n${FIVE_TASKS}\n    - name: registered\n      file_line: {path: "{{ playbook_dir }}/{{ inventory_hostname }}.conf", line: "extra"}\n      register: r\n    - name: after register\n      file_line: {path: "{{ playbook_dir }}/{{ inventory_hostname }}.conf", line: "changed={{ r.changed }}"}\n`,
      'h1.conf': content,
      'h2.conf': CONTENT.replace('key3=value3\n', 'key3=other\n'),
    });
    const on = playbookDir(files('key1=value1\n'));
    const off = playbookDir(files('key1=value1\n'));
    const a = await countedRun(on, 'site.yml');
    const b = await withoutBatching(() => countedRun(off, 'site.yml'));
    expect(a.code, a.out).to.equal(0);
    // Hosts report in the order they finish: compare the lines as a sorted list.
    const norm = (o: string, d: string) => o.replaceAll(d, 'DIR').split('\n').sort();
    expect(norm(a.out, on)).to.deep.equal(norm(b.out, off));
    for (const h of ['h1', 'h2']) expect(readFileSync(join(on, `${h}.conf`), 'utf8')).to.equal(readFileSync(join(off, `${h}.conf`), 'utf8'));
    const total = (c: Counter['counts']) => Object.values(c).reduce((n, hs) => n + Object.values(hs).reduce((x, y) => x + y, 0), 0);
    expect(total(a.counts), 'batching never costs more round trips').to.be.at.most(total(b.counts));
  });

  // Tasks that read what the task before them wrote, in one window: a read served from before the
  // write would report a change (and append the line again, report the old checksum, …).
  const DEPENDENT = `- hosts: all
  gather_facts: false
  vars: {d: "{{ playbook_dir }}/{{ inventory_hostname }}"}
  tasks:
    - {name: dir, file: {path: "{{ d }}", state: directory, mode: "0750"}}
    - {name: dir again, file: {path: "{{ d }}", state: directory, mode: "0750"}}
    - {name: add, file_line: {path: "{{ d }}/conf", line: "a=1", create: true}}
    - {name: add again, file_line: {path: "{{ d }}/conf", line: "a=1"}}
    - {name: edit, blockinfile: {path: "{{ d }}/conf", block: "b=2"}}
    - {name: edit again, blockinfile: {path: "{{ d }}/conf", block: "b=2"}}
    - {name: refused, file_line: {path: "{{ d }}/conf", regexp: "^a=", search_string: "a=", line: "x"}, ignore_errors: true}
    - {name: skipped, file_line: {path: "{{ d }}/conf", line: "never"}, when: false}
    - {name: copy, copy: {dest: "{{ d }}/c", content: "{{ inventory_hostname }}\\n", mode: "0600"}}
    - {name: copy again, copy: {dest: "{{ d }}/c", content: "{{ inventory_hostname }}\\n", mode: "0600"}}
    - {name: stat, stat: {path: "{{ d }}/c", checksum_algorithm: sha256}, register: st}
    - {name: show, debug: {msg: "{{ st.stat.checksum }} {{ st.stat.mode }}"}}
`;

  it('a task that reads what the one before it wrote sees the write, batching on or off', async () => {
    const files = { 'inventory.yml': localInventory(['h1', 'h2']), 'site.yml': DEPENDENT };
    const on = playbookDir(files);
    const off = playbookDir(files);
    const a = await countedRun(on, 'site.yml');
    const b = await withoutBatching(() => countedRun(off, 'site.yml'));
    expect(a.code, a.out).to.equal(0);
    const norm = (o: string, d: string) => o.replaceAll(d, 'DIR').split('\n').sort();
    expect(norm(a.out, on)).to.deep.equal(norm(b.out, off));
    for (const dir of [on, off]) {
      for (const h of ['h1', 'h2']) {
        expect(readFileSync(join(dir, h, 'conf'), 'utf8')).to.equal('a=1\n# BEGIN ANSIBLE MANAGED BLOCK\nb=2\n# END ANSIBLE MANAGED BLOCK\n');
        expect(readFileSync(join(dir, h, 'c'), 'utf8')).to.equal(`${h}\n`);
      }
    }
    const line = (task: string, status: string) => new RegExp(`TASK \\[${task}\\][^\\n]*\\n(?:.*\\n)*?${status}: \\[h1\\]`);
    for (const [task, status] of [['dir', 'changed'], ['dir again', 'ok'], ['add', 'changed'], ['add again', 'ok'], ['edit', 'changed'], ['edit again', 'ok'], ['copy', 'changed'], ['copy again', 'ok']]) {
      expect(a.out, `${task}: ${status}`).to.match(line(task, status));
    }
    expect(a.out).to.include('parameters are mutually exclusive: regexp|search_string');
    expect(a.out).to.match(/"?[0-9a-f]{64} 0600"?/);
    // The same run again changes nothing: its checks travel together (stat's register ends a window).
    const again = await countedRun(on, 'site.yml');
    expect(again.out).not.to.include('changed:');
    const total = (c: Counter['counts']) => Object.values(c).reduce((n, hs) => n + Object.values(hs).reduce((x, y) => x + y, 0), 0);
    expect(total(again.counts), JSON.stringify(again.counts)).to.equal(2);
  });

  it('-vvv shows each read-ahead batch', async () => {
    const dir = playbookDir({ 'inventory.yml': localInventory(['h1']), 'site.yml': play(false), 'h1.conf': CONTENT });
    const r = await countedRun(dir, 'site.yml', 3);
    expect(r.out).to.match(/h1: batch: the probes of 5 checks read ahead in one round trip \(5 of 5 scripts kept: 'line 1', 'line 2', 'line 3', 'line 4', 'line 5'\)/);
  });

  it('file, copy and template that change nothing are read ahead together: one per host', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1', 'h2']),
      'templates/t.ejs': 'host=<%- inventory_hostname %>\n',
      'site.yml': `
- hosts: all
  gather_facts: false
  vars: {d: "{{ playbook_dir }}/{{ inventory_hostname }}"}
  tasks:
    - {name: dir, file: {path: "{{ d }}", state: directory, mode: "0755"}}
    - {name: copy, copy: {dest: "{{ d }}/c", content: "x\\n"}}
    - {name: template, template: {src: t.ejs, dest: "{{ d }}/t"}}
`,
    });
    expect((await countedRun(dir, 'site.yml')).code).to.equal(0);
    const r = await countedRun(dir, 'site.yml');
    expect(r.code, r.out).to.equal(0);
    expect(r.counts).to.deep.equal({ dir: { h1: 1, h2: 1 } });
  });

  it('controller-only modules open no connection', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1', 'h2']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - set_fact: {x: 1}
    - debug: msg="{{ x }}"
    - assert: {that: "x == 1"}
`,
    });
    const r = await countedRun(dir, 'site.yml');
    expect(r.code, r.out).to.equal(0);
    expect(r.counts).to.deep.equal({});
    expect(r.summary.roundTrips).to.deep.equal({});
  });
});
