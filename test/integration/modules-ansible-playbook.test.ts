// One Ansible playbook using the modules issue 13 added (include_vars, stat-driven replace,
// blockinfile, find, slurp, fetch, getent, pause, wait_for_connection, meta reset_connection)
// run by ansible-playbook and by tsplay from the same folder: the same recap and the same files.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { requireAnsible } from '../support/ansible.js';
import { runAnsibleSide, runTsplaySide } from '../support/ansible-compare.js';
import { localInventory, playbookDir, removePlaybookDirs } from '../support/cli.js';

const SITE = `
- hosts: all
  gather_facts: false
  tasks:
    - include_vars: main.yml
    - file: {path: "{{ conf_dir }}", state: directory}
    - copy: {dest: "{{ conf_dir }}/pg.conf", content: "port = 5432\\n#listen = x\\n"}
    - stat: {path: "{{ conf_dir }}/pg.conf"}
      register: st
    - replace:
        path: "{{ conf_dir }}/pg.conf"
        regexp: '^port = \\d+$'
        replace: "port = {{ port }}"
      when: st.stat.exists
    - replace:
        path: "{{ conf_dir }}/pg.conf"
        regexp: '^port = 1$'
        replace: never
      when: st.stat.exists == false
    - blockinfile:
        path: "{{ conf_dir }}/pg.conf"
        block: "shared_buffers = 128MB"
    - find: {paths: "{{ conf_dir }}", patterns: "*.conf"}
      register: found
    - slurp: {src: "{{ conf_dir }}/pg.conf"}
      register: conf
    - copy: {dest: "{{ conf_dir }}/slurped.b64", content: "{{ conf.content }}"}
    - fetch: {src: "{{ conf_dir }}/pg.conf", dest: fetched}
    - getent: {database: passwd, key: root}
    - copy: {dest: "{{ conf_dir }}/facts.txt", content: "{{ found.matched }} {{ getent_passwd.root[4] }}\\n"}
    - pause: {seconds: 1}
    - wait_for_connection: {timeout: 10}
    - meta: reset_connection
`;

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha1').update(readFileSync(p)).digest('hex');
    }
  };
  walk(join(dir, 'out'));
  walk(join(dir, 'fetched'));
  return out;
}

describe('integration: the new modules in one playbook, ansible-playbook vs tsplay', function () {
  this.timeout(300_000);
  after(removePlaybookDirs);

  it('the same recap and the same files', async function () {
    requireAnsible(this, 'the new-modules playbook comparison');
    const dir = playbookDir({
      'inventory.yml': localInventory(['local1']),
      'site.yml': SITE,
      'vars/main.yml': 'conf_dir: "{{ playbook_dir }}/out"\nport: 5433\n',
    });
    const clean = () => ['out', 'fetched'].forEach((d) => rmSync(join(dir, d), { recursive: true, force: true }));
    const ansible = await runAnsibleSide(dir);
    const theirs = tree(dir);
    clean();
    const tsplay = await runTsplaySide(dir);
    const ours = tree(dir);
    expect(tsplay.code, tsplay.out).to.equal(ansible.code);
    expect(tsplay.stats).to.deep.equal(ansible.stats);
    expect(Object.keys(ours)).to.include('fetched/local1' + join(dir, 'out', 'pg.conf'));
    expect(ours).to.deep.equal(theirs);
  });
});
