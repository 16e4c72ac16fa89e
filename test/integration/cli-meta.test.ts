// meta actions beyond flush_handlers in real runs: clear_host_errors lets a failed host go on,
// reset_connection opens a new connection, refresh_inventory is refused at load time; and
// wait_for_connection through the runner's connection pool.
import { expect } from 'chai';
import { localInventory, playbookDir, removePlaybookDirs } from '../support/cli.js';
import { runInProcess, seen } from './in-process.js';

const SITE = `
- hosts: all
  gather_facts: false
  tasks:
    - fail: {msg: boom}
      when: inventory_hostname == "h2"
    - record: {before: "{{ inventory_hostname }}"}
    - meta: clear_host_errors
    - record: {after: "{{ inventory_hostname }}"}
    - meta: reset_connection
    - command: echo again
      register: again
    - record: {again: "{{ again.stdout }}"}
    - wait_for_connection: {timeout: 10}
      register: up
    - record: {elapsed: "{{ up.elapsed }}"}
`;

describe('integration: meta actions', function () {
  this.timeout(60_000);
  after(removePlaybookDirs);

  let dir: string;
  before(() => {
    dir = playbookDir({
      'inventory.yml': localInventory(['h1', 'h2']),
      'site.yml': SITE,
      'refresh.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - meta: refresh_inventory\n',
    });
  });

  it('clear_host_errors: a failed host runs the next tasks; reset_connection: commands go on', async () => {
    const r = await runInProcess(dir);
    expect(seen(r.records, 'h1', 'before')).to.deep.equal(['h1']);
    expect(seen(r.records, 'h2', 'before'), 'failed: skips the task before the meta').to.deep.equal([]);
    expect(seen(r.records, 'h2', 'after'), r.out).to.deep.equal(['h2']);
    for (const h of ['h1', 'h2']) expect(seen(r.records, h, 'again'), h).to.deep.equal(['again']);
    // wait_for_connection through the runner's pool: a new connection answers at once.
    for (const h of ['h1', 'h2']) expect(seen(r.records, h, 'elapsed'), h).to.deep.equal([0]);
    // The failure itself still counts in the recap, as in Ansible.
    expect(r.code).to.equal(2);
  });

  it('refresh_inventory is refused before the run, saying why', async () => {
    const e = await runInProcess(dir, 'refresh.yml').then(
      () => undefined,
      (x: Error) => x,
    );
    expect(e?.message).to.match(/refresh\.yml:4:\d+: meta: refresh_inventory is not supported: tsplay reads the inventories once/);
  });
});
