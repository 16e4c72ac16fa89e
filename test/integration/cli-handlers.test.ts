// Handlers in real runs: notified once per host at the end of the play whatever the number of
// notifications, in the order they are defined, flushed early by meta: flush_handlers, reached
// through listen, and not run when nothing changed.
import { expect } from 'chai';
import { join } from 'node:path';
import { ValidationError } from '../../engine/errors.js';
import { localInventory, playbookDir, removePlaybookDirs } from '../support/cli.js';
import { recap, runInProcess, seen } from './in-process.js';

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  tasks:
    - name: changes on h1 only
      record: {step: change-1, changed: "{{ inventory_hostname == 'h1' }}"}
      notify: [restart, reload]
    - name: changes again
      record: {step: change-2, changed: "{{ inventory_hostname == 'h1' }}"}
      notify: restart
    - name: no change
      record: {step: quiet}
      notify: never notified
    - record: {step: last-task}
  handlers:
    - name: reload
      record: {step: handler-reload}
    - name: restart
      record: {step: handler-restart}
    - name: never notified
      record: {step: handler-never}
`;

describe('integration: handlers', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  it('run once, at the end of the play, in definition order, only where something changed', async () => {
    const dir = playbookDir({ 'inventory.yml': localInventory(['h1', 'h2']), 'site.yml': PLAYBOOK });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    expect(seen(r.records, 'h1', 'step')).to.deep.equal(['change-1', 'change-2', 'quiet', 'last-task', 'handler-reload', 'handler-restart']);
    expect(seen(r.records, 'h2', 'step')).to.deep.equal(['change-1', 'change-2', 'quiet', 'last-task']);
    expect(r.out.match(/RUNNING HANDLER \[restart\]/g)).to.have.length(1);
    expect(r.out).not.to.include('RUNNING HANDLER [never notified]');
    expect(recap(r.out, 'h1')).to.include({ ok: 6, changed: 2 });
    expect(recap(r.out, 'h2')).to.include({ ok: 4, changed: 0 });
  });

  it('meta: flush_handlers runs them at that point; listen names reach them', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - record: {step: change, changed: true}
      notify: web changed
    - meta: flush_handlers
    - record: {step: after-flush}
    - record: {step: change-again, changed: true}
      notify: restart web
  handlers:
    - name: restart web
      record: {step: handler}
      listen: web changed
`,
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    expect(seen(r.records, 'h1', 'step')).to.deep.equal(['change', 'handler', 'after-flush', 'change-again', 'handler']);
  });

  // As in Ansible, every handler that listens to a topic runs (replication.yml's "restart
  // postgresql": reload, read what needs a restart, restart). Only the first one did.
  it('every handler listening to one notification runs, in definition order', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - record: {step: change, changed: true}
      notify: restart db
  handlers:
    - name: reload db
      listen: restart db
      record: {step: reload}
    - name: read what needs a restart
      listen: restart db
      record: {step: read}
    - name: restart db
      record: {step: restart}
    - name: unrelated
      listen: something else
      record: {step: unrelated}
`,
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    expect(seen(r.records, 'h1', 'step')).to.deep.equal(['change', 'reload', 'read', 'restart']);
  });

  it('handlers of a failed host do not run; pre_tasks handlers run before tasks', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory({ h1: {}, h2: { breaks: true } }),
      'site.yml': `
- hosts: all
  gather_facts: false
  pre_tasks:
    - record: {step: pre, changed: true}
      notify: h
  tasks:
    - record: {step: task, changed: true}
      notify: h
    - fail: msg=broken
      when: breaks | default(false)
  handlers:
    - name: h
      record: {step: handler}
`,
    });
    const r = await runInProcess(dir);
    expect(r.code).to.equal(2);
    expect(seen(r.records, 'h1', 'step')).to.deep.equal(['pre', 'handler', 'task', 'handler']);
    expect(seen(r.records, 'h2', 'step')).to.deep.equal(['pre', 'handler', 'task']);
  });

  it('a notification of an unknown handler is a load-time error with file:line, before any host is contacted', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - record: {changed: true}
      notify: no such handler
`,
    });
    const r = await runInProcess(dir).catch((e: Error) => e);
    expect(r).to.be.instanceOf(ValidationError);
    expect((r as Error).message).to.include(`${join(dir, 'site.yml')}:6:15: notify: no handler named 'no such handler' in play 'all'`);
  });
});
