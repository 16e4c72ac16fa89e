// The real command line: exit codes (0 ok, 2 host failed, 3 invalid playbook, 4 unreachable
// (wins over 2), 5 bad options), the output of a run and of a second run that changes nothing,
// validation errors with their positions, and secrets that never reach the output.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { localInventory, playbookDir, removePlaybookDirs, runCli } from '../support/cli.js';
import { recap } from './in-process.js';

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe('integration: command line exit codes and output', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  it('a three-task playbook: first run changed, second run ok, with a correct PLAY RECAP', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1', 'h2']),
      'site.yml': `
- name: configure
  hosts: all
  gather_facts: false
  vars:
    conf: "{{ playbook_dir }}/{{ inventory_hostname }}.conf"
  tasks:
    - name: create the file
      file_line: {path: "{{ conf }}", line: "# managed", create: true}
    - name: set the port
      file_line: {path: "{{ conf }}", regexp: "^port=", line: "port=5432"}
    - name: set the address
      file_line: {path: "{{ conf }}", regexp: "^listen=", line: "listen={{ inventory_hostname }}"}
`,
    });
    const first = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir });
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    expect(first.stdout).to.match(/^\nPLAY \[configure\] \*+\n\nTASK \[create the file\] \*+\n/);
    expect(first.stdout).to.match(/TASK \[set the port\] \*+\n(changed: \[h[12]\]: line added\n){2}/);
    for (const h of ['h1', 'h2']) expect(recap(first.stdout, h)).to.deep.equal({ ok: 3, changed: 3, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
    expect(readFileSync(join(dir, 'h2.conf'), 'utf8')).to.equal('# managed\nport=5432\nlisten=h2\n');

    const second = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir });
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout).not.to.include('changed:');
    expect(second.stdout).to.match(/TASK \[set the address\] \*+\n(ok: \[h[12]\]\n){2}/);
    expect(second.stdout).to.match(/PLAY RECAP \*+\nh1 +: ok=3 +changed=0 +unreachable=0 +failed=0 +skipped=0 +rescued=0 +ignored=0\nh2 +: ok=3 +changed=0/);
  });

  it('an invalid playbook: every problem with file:line:col, the line and a caret; exit 3; nothing runs', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `- hosts: all
  gather_facts: false
  tasks:
    - name: would leave a trace
      shell: touch ran
    - name: typo in the module
      file_lin: {path: /tmp/x, line: y}
    - name: unknown argument
      file_line: {path: /tmp/x, line: y, colour: red}
    - import_tasks: more.yml
`,
      'more.yml': `- name: bad value
  file_line: {path: /tmp/x, line: y, state: gone}
`,
    });
    const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir });
    expect(r.code).to.equal(3);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.include('ERROR! 3 problems found:');
    expect(r.stderr).to.include(
      [
        "more.yml:2:38: file_line: argument 'state' must be one of: present, absent",
        '  2 |   file_line: {path: /tmp/x, line: y, state: gone}',
        '                                           ^',
      ].join('\n'),
    );
    expect(r.stderr).to.include(
      ["site.yml:7:7: unknown module 'file_lin'", '  7 |       file_lin: {path: /tmp/x, line: y}', '            ^', "  hint: did you mean 'file_line'"].join('\n'),
    );
    expect(r.stderr).to.include(
      [
        "site.yml:9:42: file_line: unknown argument 'colour'",
        '  9 |       file_line: {path: /tmp/x, line: y, colour: red}',
        '                                               ^',
        '  hint: allowed: backrefs, backup, create, firstmatch, follow, group, insertafter, insertbefore, line, mode, owner, path, regexp, search_string, state, validate',
      ].join('\n'),
    );
    expect(existsSync(join(dir, 'ran'))).to.equal(false);

    const syntax = await runCli(['run', 'site.yml', '--syntax-check'], { cwd: dir });
    expect(syntax.code).to.equal(3);
    expect(syntax.stderr).to.include('ERROR! 3 problems found:');
  });

  it('--syntax-check of a valid playbook contacts no host and exits 0', async () => {
    const dir = playbookDir({ 'site.yml': '- hosts: nowhere\n  tasks:\n    - debug: msg=hi\n' });
    const r = await runCli(['run', 'site.yml', '--syntax-check'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('\nplaybook: site.yml\n');
  });

  it('bad options exit 5 with a message', async () => {
    const dir = playbookDir({ 'inventory.yml': localInventory(['h1']), 'site.yml': '- hosts: all\n  tasks: []\n' });
    const cases: [string[], RegExp][] = [
      [['run', 'site.yml', '-i', 'inventory.yml', '--forks', '0'], /--forks must be a positive integer, got '0'/],
      [['run', 'site.yml', '-i', 'inventory.yml', '--no-such-option'], /unknown option '--no-such-option'/],
      [['run', 'site.yml', '-i', 'inventory.yml', '--output', 'fancy'], /argument 'fancy' is invalid/],
      [['run', 'site.yml'], /an inventory is needed: -i INVENTORY/],
      [['run', 'missing.yml', '-i', 'inventory.yml'], /playbook not found: missing.yml/],
      [['run'], /missing required argument 'playbook'/],
      [['run', 'site.yml', '-i', 'inventory.yml', '-e', 'not a mapping'], /--extra-vars: expected key=value pairs/],
      [['run', 'site.yml', '-i', 'inventory.yml', '--start-at-task', 'nope'], /--start-at-task: no task named 'nope'/],
      [['nosuchcommand'], /unknown command 'nosuchcommand'/],
      [['doc', 'file_lin'], /no module named 'file_lin' \(did you mean 'file_line'( or '\w+')*\?\)/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args, { cwd: dir })));
    results.forEach((r, i) => {
      expect(r.code, `${cases[i]![0].join(' ')}: ${r.stderr}`).to.equal(5);
      expect(r.stderr).to.match(cases[i]![1]);
    });
  });

  it('a failing host exits 2; an unreachable host exits 4, even when another host failed', async () => {
    const port = await closedPort();
    const dir = playbookDir({
      'inventory.yml': `
all:
  hosts:
    down: {ansible_host: 127.0.0.1, ansible_port: ${port}, ansible_user: nobody}
    bad: {ansible_connection: local}
    good: {ansible_connection: local}
`,
      'site.yml': `
- hosts: all
  tasks:
    - fail: msg="{{ inventory_hostname }} fails"
      when: inventory_hostname == 'bad'
    - name: after
      shell: touch {{ playbook_dir }}/{{ inventory_hostname }}.after
`,
    });
    const [failed, both] = await Promise.all([
      runCli(['run', 'site.yml', '-i', 'inventory.yml', '--limit', 'bad,good'], { cwd: dir }),
      runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir }),
    ]);
    expect(failed.code, failed.stdout).to.equal(2);
    expect(failed.stdout).to.include('fatal: [bad]: FAILED! => bad fails');
    expect(both.code, both.stdout).to.equal(4);
    expect(both.stdout).to.match(new RegExp(`fatal: \\[down\\]: UNREACHABLE! => connection refused by nobody@127\\.0\\.0\\.1:${port}`));
    expect(recap(both.stdout, 'down')).to.include({ unreachable: 1, ok: 0 });
    expect(recap(both.stdout, 'bad')).to.include({ failed: 1 });
    expect(recap(both.stdout, 'good')).to.include({ ok: 2, changed: 1, skipped: 1 });
    expect(existsSync(join(dir, 'good.after'))).to.equal(true);
    expect(existsSync(join(dir, 'bad.after'))).to.equal(false);
  });

  it('no_log hides a task\'s messages; a secret argument never reaches the output', async () => {
    const secret = 'S3cr3t-pa55';
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  vars:
    pw: ${secret}
  tasks:
    - name: hidden items
      debug: msg="{{ item.user }}"
      loop: [{user: app, password: "{{ pw }}"}]
      no_log: true
    - name: hidden failure
      shell: echo "the output holds {{ pw }}" >&2; exit 3
      no_log: true
      ignore_errors: true
    - name: hidden debug
      debug: msg="{{ pw }}"
      no_log: true
    - name: secret argument
      pg_md5: {path: "{{ playbook_dir }}/pool_passwd", user: app, password: "{{ pw }}"}
    - name: the secret in a later, ordinary message
      debug: msg="password is {{ pw }}"
    - name: and in a failure
      fail: msg="bad password {{ pw }}"
`,
    });
    const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml', '-vvv', '--diff'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).to.equal(2);
    const all = r.stdout + r.stderr;
    expect(all).not.to.include(secret);
    expect(r.stdout).to.match(/TASK \[hidden items\][^\n]*\nok: \[h1\] => \(item=None\)/);
    expect(r.stdout).to.match(/TASK \[hidden failure\][^\n]*\nfatal: \[h1\]: FAILED! => the output has been hidden due to "no_log: true"\n\.\.\.ignoring/);
    expect(r.stdout).to.match(/TASK \[hidden debug\][^\n]*\nok: \[h1\]: the output has been hidden/);
    expect(r.stdout).to.include('password is ********');
    expect(r.stdout).to.include('bad password ********');
    expect(readFileSync(join(dir, 'pool_passwd'), 'utf8')).to.match(/^app:md5[0-9a-f]{32}\n$/);
  });
});

describe('integration: inventory and doc commands', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  it('tsplay inventory --list, --graph and --host', async () => {
    const dir = playbookDir({
      'inventory.yml': `
all:
  vars: {ntp: pool}
  children:
    pg:
      children:
        primary: {hosts: {db1: {ansible_host: 127.0.0.2}}}
        standby: {hosts: {db2: {}}}
`,
      'host_vars/db2.yml': 'role: standby\n',
    });
    const [list, graph, host] = await Promise.all([
      runCli(['inventory', '-i', 'inventory.yml', '--list'], { cwd: dir }),
      runCli(['inventory', '-i', 'inventory.yml', '--graph'], { cwd: dir }),
      runCli(['inventory', '-i', 'inventory.yml', '--host', 'db2'], { cwd: dir }),
    ]);
    expect(list.code, list.stderr).to.equal(0);
    const json = JSON.parse(list.stdout);
    expect(json._meta.hostvars.db1).to.deep.equal({ ntp: 'pool', ansible_host: '127.0.0.2' });
    expect(json.pg).to.deep.equal({ children: ['primary', 'standby'] });
    expect(json.primary).to.deep.equal({ hosts: ['db1'] });
    expect(graph.code, graph.stderr).to.equal(0);
    expect(graph.stdout).to.equal('@all:\n  |--@pg:\n  |  |--@primary:\n  |  |  |--db1\n  |  |--@standby:\n  |  |  |--db2\n  |--@ungrouped:\n');
    expect(host.code, host.stderr).to.equal(0);
    expect(JSON.parse(host.stdout)).to.include({ ntp: 'pool', role: 'standby' });

    const missing = await runCli(['inventory', '-i', 'nope.yml', '--list'], { cwd: dir });
    expect(missing.code).to.equal(3);
    expect(missing.stderr).to.include('inventory not found');
  });

  it('tsplay doc file_line documents its arguments; tsplay doc lists modules', async () => {
    const [doc, list] = await Promise.all([runCli(['doc', 'file_line']), runCli(['doc'])]);
    expect(doc.code, doc.stderr).to.equal(0);
    expect(doc.stdout).to.match(/^> FILE_LINE\n\n {2}\S/);
    expect(doc.stdout).to.include('ARGUMENTS:');
    expect(doc.stdout).to.match(/\n {2}path \(string\) \[required\]\n/);
    expect(doc.stdout).to.match(/\n {2}state \(present\|absent\)\n(.*\n)*? {6}default: "present"\n/);
    expect(doc.stdout).to.include('aliases: dest');
    expect(list.code, list.stderr).to.equal(0);
    expect(list.stdout).to.match(/^file_line +Ensure a line/m);
    expect(list.stdout).to.match(/^command +/m);
  });

  it("tsplay doc finds a module by Ansible's name and lists those names", async () => {
    const [short, fqcn] = await Promise.all([runCli(['doc', 'lineinfile']), runCli(['doc', 'ansible.posix.acl'])]);
    expect(short.code, short.stderr).to.equal(0);
    expect(short.stdout).to.match(/^> FILE_LINE\n/);
    expect(short.stdout).to.include("Ansible's names: lineinfile, ansible.builtin.lineinfile");
    expect(fqcn.stdout).to.match(/^> SETFACL\n/);
  });
});
