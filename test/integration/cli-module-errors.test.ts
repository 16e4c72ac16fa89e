// What a module throws fails its task, never the run: ModuleError(message, result) is the
// documented way (the result is registered), and anything else a custom module throws (a
// TypeError, a string) fails the task with "module X raised …". ignore_errors, rescue and the
// recap work as for any failed task. (Before the step owned this, such a throw ended the run
// with "ERROR! unexpected", a stack and exit 1.)
import { expect } from 'chai';
import { ModuleError } from '../../engine/errors.js';
import { defineModule } from '../../engine/module-api.js';
import { localInventory, playbookDir, removePlaybookDirs } from '../support/cli.js';
import { recap, runInProcess, seen } from './in-process.js';

const thrower = defineModule<{ how: string; where: string }>({
  name: 'thrower',
  summary: 'test module: throws as told',
  schema: { type: 'object', properties: { how: { type: 'string' }, where: { type: 'string', default: 'check' } }, required: ['how'] },
  async check(_ctx, a) {
    if (a.where === 'check') throwAs(a.how);
    return { changed: true, description: 'change' };
  },
  async apply(_ctx, a) {
    throwAs(a.how);
  },
});

function throwAs(how: string): never {
  if (how === 'module-error') throw new ModuleError('the widget is broken', { rc: 7, widget: 'w1' });
  if (how === 'type-error') (undefined as unknown as { x: number }).x;
  throw how;
}

describe('integration: a module that throws', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  it('fails only its task: ignore_errors, rescue, register and the recap all work', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - thrower: { how: module-error }
      register: r
      ignore_errors: true
    - record: { rc: "{{ r.rc }}", msg: "{{ r.msg }}" }
    - thrower: { how: type-error, where: apply }
      ignore_errors: true
    - block:
        - thrower: { how: a string }
      rescue:
        - record: { rescued: true }
    - thrower: { how: type-error }
    - record: { never: true }
`,
    });
    const r = await runInProcess(dir, 'site.yml', {}, {}, [thrower]);
    expect(r.code, r.out).to.equal(2);
    expect(r.out).to.not.include('ERROR! unexpected');
    expect(r.out).to.include('fatal: [h1]: FAILED! => the widget is broken');
    expect(seen(r.records, 'h1', 'rc').map(String)).to.deep.equal(['7']);
    expect(r.out).to.include("fatal: [h1]: FAILED! => module 'thrower' raised TypeError: Cannot read properties of undefined (reading 'x') in apply");
    expect(seen(r.records, 'h1', 'rescued')).to.deep.equal([true]);
    expect(r.out).to.include(`module 'thrower' raised string "a string" in check`);
    expect(r.out).to.include("module 'thrower' raised TypeError: Cannot read properties of undefined (reading 'x') in check");
    expect(seen(r.records, 'h1', 'never')).to.deep.equal([]);
    expect(recap(r.out, 'h1')).to.include({ failed: 1, ignored: 2, rescued: 1 });
  });
});
