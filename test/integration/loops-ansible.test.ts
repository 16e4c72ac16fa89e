// The with_X loops and loop_control against Debian's ansible-core: one playbook whose tasks log
// each item (the expressions are the subset Jinja2 and tsplay's language share), run by both.
import { expect } from 'chai';
import { localInventory, playbookDir, removePlaybookDirs } from '../support/cli.js';
import { requireAnsible } from '../support/ansible.js';
import { runBoth } from '../support/ansible-compare.js';

const log = (line: string) => `shell: echo "${line}" >> "{{ log }}"`;

describe('integration: with_X loops compared with ansible-playbook', function () {
  this.timeout(120_000);
  before(function () {
    requireAnsible(this, 'the loop comparison');
  });
  after(removePlaybookDirs);

  it('with_items flattens one level, with_list none; dict, subelements, nested, together, sequence, fileglob; loop_control', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'files/a1.conf': 'a\n',
      'files/b1.txt': 'b\n',
      'files/sub/c.conf': 'c\n',
      'site.yml': `
- hosts: all
  gather_facts: false
  vars:
    nested: [a, [b, c], [[d, e]]]
    users:
      - {name: u1, keys: [k1, k2]}
      - {name: u2, keys: [k3]}
      - {name: u3}
    ports: {pg: 5432, pgpool: 9999}
  tasks:
    - ${log('items {{ item[0] }}')}
      with_items: "{{ nested }}"
    - ${log('items-literal {{ item }}')}
      with_items: [x, [y, z]]
    - ${log('list {{ item[0][0] }}')}
      with_list: "{{ nested }}"
    - ${log('dict {{ item.key }}={{ item.value }}')}
      with_dict: "{{ ports }}"
    - ${log('sub {{ item[0].name }} {{ item[1] }}')}
      with_subelements: ["{{ users }}", keys, {skip_missing: true}]
    - ${log('nested {{ item[0] }}{{ item[1] }}{{ item[2] }}')}
      with_nested: [[a, b], [1, 2], [x]]
    - ${log('together {{ item[0] }}-{{ item[1] }}')}
      with_together: [[a, b, c], [1, 2, 3]]
    - ${log('seq {{ item }}')}
      with_sequence: start=1 end=3 format=db%02d
    - ${log('seq-count {{ item }}')}
      with_sequence: count=2
    - ${log('seq-short {{ item }}')}
      with_sequence: 2-10/4
    - ${log('seq-back {{ item }}')}
      with_sequence: start=3 end=1 stride=-1
    - ${log('glob {{ item }}')}
      with_fileglob: ["a*.conf", "*.txt", "nothing*"]
    - ${log('extended {{ u }} {{ i }} {{ ansible_loop.index }} {{ ansible_loop.revindex }} {{ ansible_loop.revindex0 }} {{ ansible_loop.length }} {{ ansible_loop.allitems[1] }}')}
      loop: [p, q, r]
      loop_control: {loop_var: u, index_var: i, label: "{{ u }}", extended: true}
    - ${log('indexed {{ item[0] }} {{ item[1] }}')}
      with_indexed_items: [m, n]
`,
    });
    const r = await runBoth(dir);
    expect(r.ansible.code, r.ansible.out).to.equal(0);
    expect(r.ansible.log).to.include.members(['items d', 'list b', 'list d', 'sub u2 k3', 'seq db02', `glob ${dir}/files/a1.conf`]);
    expect(r.tsplay.log, r.tsplay.out).to.deep.equal(r.ansible.log);
    expect(r.tsplay.stats).to.deep.equal(r.ansible.stats);
    expect(r.tsplay.code).to.equal(0);
  });

  it('a missing subelement without skip_missing fails the task, as in Ansible', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - ${log('sub {{ item[1] }}')}
      with_subelements: [[{name: a, keys: [1]}, {name: b}], keys]
    - ${log('after')}
`,
    });
    const r = await runBoth(dir);
    expect(r.ansible.code).to.equal(2);
    expect(r.tsplay.log).to.deep.equal(r.ansible.log);
    expect(r.tsplay.stats).to.deep.equal(r.ansible.stats);
    expect(r.tsplay.code).to.equal(2);
  });
});
