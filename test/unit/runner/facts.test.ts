// The readings behind the hardware facts and gather_subset, on inputs this machine does not
// have (two sockets with hyperthreads, a mount point with a space); the local machine's own
// values are compared with ansible-core in test/integration/facts-ansible.test.ts.
import { expect } from 'chai';
import { cpuFacts, factsDict, mountFacts, selectSubsets } from '../../../engine/runner/facts.js';

function cpuinfo(sockets: number, cores: number, threads: number): string {
  const out: string[] = [];
  let n = 0;
  for (let s = 0; s < sockets; s++)
    for (let c = 0; c < cores; c++)
      for (let t = 0; t < threads; t++)
        out.push(`processor\t: ${n++}\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: ${s}\nsiblings\t: ${cores * threads}\ncore id\t\t: ${c}\ncpu cores\t: ${cores}\n`);
  return out.join('\n') + `\nnproc: ${n}\n`;
}

describe('facts: hardware readings and gather_subset', () => {
  it('processors as Ansible counts them: sockets, cores per socket, threads, vcpus', () => {
    expect(cpuFacts(cpuinfo(2, 4, 2))).to.include({ ansible_processor_count: 2, ansible_processor_cores: 4, ansible_processor_threads_per_core: 2, ansible_processor_vcpus: 16, ansible_processor_nproc: 16 });
    expect(cpuFacts(cpuinfo(1, 2, 1))).to.include({ ansible_processor_count: 1, ansible_processor_cores: 2, ansible_processor_vcpus: 2 });
    // No physical id (some virtual machines): one socket per processor line, one core each.
    expect(cpuFacts('processor\t: 0\nvendor_id\t: X\nmodel name\t: Y\n\nprocessor\t: 1\nvendor_id\t: X\nmodel name\t: Y\n')).to.include({ ansible_processor_count: 2, ansible_processor_cores: 1, ansible_processor_vcpus: 2 });
  });

  it('mounts: real devices only, escaped names, sizes from df', () => {
    const out = [
      'proc /proc proc rw 0 0',
      '/dev/sda1 / ext4 rw,relatime 0 0',
      '/dev/sdb1 /srv/pg\\040data xfs rw 0 0',
      'server:/export /mnt/nfs nfs4 rw 0 0',
      '@@df',
      'Filesystem 1-blocks Used Available Capacity Mounted on',
      '/dev/sda1 1000 400 600 40% /',
      '/dev/sdb1 2000 0 2000 0% /srv/pg data',
    ].join('\n');
    expect(mountFacts(out)).to.deep.equal([
      { mount: '/', device: '/dev/sda1', fstype: 'ext4', options: 'rw,relatime', size_total: 1000, size_available: 600 },
      { mount: '/srv/pg data', device: '/dev/sdb1', fstype: 'xfs', options: 'rw', size_total: 2000, size_available: 2000 },
      { mount: '/mnt/nfs', device: 'server:/export', fstype: 'nfs4', options: 'rw', size_total: 0, size_available: 0 },
    ]);
  });

  it("gather_subset selects as Ansible's get_collector_names", () => {
    const sel = (s?: string[]) => [...selectSubsets(s)].sort();
    expect(sel()).to.deep.equal(['hardware', 'min', 'network']);
    expect(sel(['all'])).to.deep.equal(['hardware', 'min', 'network']);
    expect(sel(['min'])).to.deep.equal(['min']);
    expect(sel(['!hardware'])).to.deep.equal(['min']);
    expect(sel(['all', '!hardware'])).to.deep.equal(['min', 'network']);
    expect(sel(['network'])).to.deep.equal(['min', 'network']);
    expect(sel(['!all', 'hardware'])).to.deep.equal(['hardware', 'min']);
  });

  it('ansible_facts: the same facts without the prefix', () => {
    expect(factsDict({ ansible_kernel: '6.1', pg_versions: [15] })).to.deep.equal({ kernel: '6.1', pg_versions: [15] });
  });
});
