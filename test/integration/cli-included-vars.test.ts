// include_vars and pause in real runs: included variables rank above vars_files and below
// set_fact, are templated when used, are found in a role's vars/ folder, and last into the
// next play; pause runs once for all hosts.
import { expect } from 'chai';
import { localInventory, playbookDir, removePlaybookDirs } from '../support/cli.js';
import { runInProcess, seen } from './in-process.js';

const SITE = `
- hosts: all
  gather_facts: false
  vars_files: [vf.yml]
  tasks:
    - set_fact: {s: set_fact}
    - include_vars: inc.yml
    - record: {v: "{{ v }}", s: "{{ s }}", t: "{{ templated }}"}
    - include_role: {name: r}
    - pause: {seconds: 1}
      register: paused
- hosts: all
  gather_facts: false
  tasks:
    - record: {later: "{{ v }}", paused: "{{ paused.stdout }}", start: "{{ paused.start }}"}
`;

describe('integration: include_vars and pause', function () {
  this.timeout(60_000);
  after(removePlaybookDirs);

  let dir: string;
  before(() => {
    dir = playbookDir({
      'inventory.yml': localInventory(['h1', 'h2']),
      'site.yml': SITE,
      'vf.yml': 'v: vars_files\nname_of: vf\n',
      'vars/inc.yml': 'v: included\ns: included\ntemplated: "{{ inventory_hostname }}-{{ name_of }}"\n',
      'roles/r/tasks/main.yml': '- include_vars: role.yml\n- record: {role: "{{ from_role }}"}\n',
      'roles/r/vars/role.yml': 'from_role: role-vars\n',
    });
  });

  it('ranks, templates, finds role files, lasts, and pauses once', async () => {
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    for (const h of ['h1', 'h2']) {
      expect(seen(r.records, h, 'v'), h).to.deep.equal(['included']); // over vars_files
      expect(seen(r.records, h, 's'), h).to.deep.equal(['set_fact']); // set_fact over include_vars
      expect(seen(r.records, h, 't'), h).to.deep.equal([`${h}-vf`]); // templated when used
      expect(seen(r.records, h, 'role'), h).to.deep.equal(['role-vars']);
      expect(seen(r.records, h, 'later'), h).to.deep.equal(['included']);
      expect(String(seen(r.records, h, 'paused')[0]), h).to.match(/^Paused for 1(\.\d+)? seconds$/);
    }
    // One pause for both hosts: the second host has the first one's result, started at the same time.
    expect(seen(r.records, 'h2', 'start')).to.deep.equal(seen(r.records, 'h1', 'start'));
  });
});
