// Facts against Debian's ansible-core's setup: the ansible_facts dictionary beside the ansible_*
// names, memory, processors, kernel, mounts, ansible_env, and which facts each gather_subset
// brings; and ansible_failed_task / ansible_failed_result inside rescue. Local connection.
import { expect } from 'chai';
import { join } from 'node:path';
import { localInventory, playbookDir, removePlaybookDirs } from '../support/cli.js';
import { requireAnsible, runAnsiblePlaybook } from '../support/ansible.js';
import { runBoth } from '../support/ansible-compare.js';
import { runInProcess, seen } from './in-process.js';

type Obj = Record<string, unknown>;

const COMPARED = [
  'memtotal_mb', 'processor_vcpus', 'processor_cores', 'processor_count', 'processor_threads_per_core', 'processor_nproc',
  'kernel', 'kernel_version', 'machine', 'architecture', 'system', 'hostname', 'distribution', 'distribution_version',
  'distribution_major_version', 'distribution_release', 'os_family', 'service_mgr', 'user_id',
];

const subsets: [string, string[] | undefined][] = [
  ['all', undefined],
  ['min', ['min']],
  ['not hardware', ['!hardware']],
  ['network', ['network']],
  ['not all but hardware', ['!all', 'hardware']],
];

function playbook(): string {
  return subsets
    .map(([name, s]) => `
- name: ${name}
  hosts: all
  ${s ? `gather_subset: ${JSON.stringify(s)}` : ''}
  tasks:
    - debug: {var: ansible_facts}
`)
    .join('');
}

describe('integration: facts compared with ansible-core', function () {
  this.timeout(180_000);
  before(function () {
    requireAnsible(this, 'the facts comparison');
  });
  after(removePlaybookDirs);

  it('ansible_facts and the ansible_* names: memory, processors, kernel, mounts, env; the subsets gather the same kinds', async () => {
    // Both keep facts from play to play: each subset is a run of its own.
    const ansibleFacts: Obj[] = [];
    const tsplayFacts: Obj[] = [];
    for (const [i] of subsets.entries()) {
      const one = playbook().split(/\n(?=- name: )/).filter(Boolean)[i]!;
      const d = playbookDir({ 'inventory.yml': localInventory(['h1']), 'ansible.yml': one, 'site.yml': one.replace(/debug: \{var: ansible_facts\}/, 'record: {facts: "{{ ansible_facts }}"}') });
      const a = await runAnsiblePlaybook(join(d, 'ansible.yml'), { tmp: d, inventory: join(d, 'inventory.yml') });
      expect(a.code, a.stderr).to.equal(0);
      ansibleFacts.push(a.report.plays[0]!.tasks.find((t) => t.task.name.startsWith('debug'))!.hosts.h1!.ansible_facts as Obj);
      const r = await runInProcess(d);
      expect(r.code, r.out).to.equal(0);
      tsplayFacts.push(seen(r.records, 'h1', 'facts')[0] as Obj);
    }
    const all = tsplayFacts[0]!;
    const want = ansibleFacts[0]!;
    for (const k of COMPARED) expect(all[k], k).to.deep.equal(want[k]);
    expect((all.env as Obj).HOME).to.equal((want.env as Obj).HOME);
    const root = (m: unknown) => (m as Obj[]).filter((x) => x.mount === '/').map((x) => ({ mount: x.mount, device: x.device, fstype: x.fstype, size_total: x.size_total }));
    expect(root(all.mounts)).to.deep.equal(root(want.mounts)).and.to.have.length(1);
    for (const [i, [name]] of subsets.entries()) {
      const kinds = (f: Obj) => ({ hardware: 'memtotal_mb' in f && 'mounts' in f, network: 'all_ipv4_addresses' in f, min: 'kernel' in f && 'env' in f && 'distribution' in f });
      expect(kinds(tsplayFacts[i]!), name).to.deep.equal(kinds(ansibleFacts[i]!));
    }
  });

  it('ansible_failed_task and ansible_failed_result in rescue', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - shell: echo "in block" >> "{{ log }}"
        - name: the failing step
          fail: {msg: "disk full"}
      rescue:
        - shell: echo "{{ ansible_failed_task.name }} - {{ ansible_failed_result.msg }}" >> "{{ log }}"
        - block:
            - name: inner
              command: /bin/false
          rescue:
            - shell: echo "{{ ansible_failed_task.name }} rc={{ ansible_failed_result.rc }}" >> "{{ log }}"
        - shell: echo "outer again {{ ansible_failed_task.name }}" >> "{{ log }}"
`,
    });
    const r = await runBoth(dir);
    expect(r.ansible.log).to.deep.equal(['in block', 'the failing step - disk full', 'inner rc=1', 'outer again inner']);
    expect(r.tsplay.log, r.tsplay.out).to.deep.equal(r.ansible.log);
    expect(r.tsplay.stats).to.deep.equal(r.ansible.stats);
  });
});
