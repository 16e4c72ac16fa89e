// Security: what comes back from a host is data. A file on a managed host holding Jinja2 — an
// expression, a statement, a lookup that would run a command on the controller — is read with
// `command` + `register`, then used every way a playbook uses results: interpolated, passed on
// through set_fact and hostvars, looped over, written by copy and template, tested by assert.
// Each output holds the host's bytes verbatim, and nothing ran on the controller.
import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localInventory, playbookDir, removePlaybookDirs, runCli } from '../support/cli.js';

describe('integration: host data is data (never templated again)', function () {
  this.timeout(60_000);
  after(removePlaybookDirs);

  it('registered output with {{ }}, {% %} and lookups is written back verbatim and runs nothing', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'templates/show.j2': '{{ r.stdout }}\n',
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - command: cat {{ playbook_dir }}/hostile.txt
      register: r
    - debug: msg="{{ r.stdout_lines | length }} lines"
    - set_fact: {copied: "{{ r.stdout }}", via_hostvars: "{{ hostvars[inventory_hostname].r.stdout }}"}
    - copy: {content: "{{ r.stdout }}\\n", dest: "{{ playbook_dir }}/out-register.txt"}
    - copy: {content: "{{ copied }}\\n", dest: "{{ playbook_dir }}/out-set-fact.txt"}
    - copy: {content: "{{ via_hostvars }}\\n", dest: "{{ playbook_dir }}/out-hostvars.txt"}
    - shell: printf '%s\\n' {{ item | quote }} >> {{ playbook_dir }}/out-loop.txt
      loop: "{{ r.stdout_lines }}"
    - template: {src: show.j2, dest: "{{ playbook_dir }}/out-template.txt"}
    - assert: {that: ["r.stdout_lines | length == 4", "'lookup' in r.stdout"]}
`,
    });
    const hostile = [
      `{{ lookup('pipe', 'id > ${dir}/pwned-lookup') }}`,
      `{% for x in range(2) %}{{ lookup('pipe', 'touch ${dir}/pwned-statement') }}{% endfor %}`,
      '{{ this.process.getBuiltinModule(`child_process`).execSync(`id > pwned-js`) && 1 }}',
      "{{ lookup('file', '/etc/hostname') }}{# a comment #}{% raw %}x{% endraw %}",
    ].join('\n');
    writeFileSync(join(dir, 'hostile.txt'), hostile);
    const r = await runCli(['run', join(dir, 'site.yml'), '-i', join(dir, 'inventory.yml')], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    for (const out of ['out-register.txt', 'out-set-fact.txt', 'out-hostvars.txt', 'out-loop.txt', 'out-template.txt']) {
      expect(readFileSync(join(dir, out), 'utf8'), out).to.equal(`${hostile}\n`);
    }
    expect(r.stdout).to.include('4 lines');
    for (const f of ['pwned-lookup', 'pwned-statement', 'pwned-js']) expect(existsSync(join(dir, f)), f).to.equal(false);
  });
});
