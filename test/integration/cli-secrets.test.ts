// Secrets in real runs: a module's secret argument is masked wherever tsplay prints it (change
// and failure messages, diffs, -v log lines), and no_log hides a task's messages and logs.
import { expect } from 'chai';
import { ModuleError } from '../../engine/errors.js';
import { defineModule } from '../../engine/module-api.js';
import { stringify as yamlStringify } from 'yaml';
import { localInventory, playbookDir, removePlaybookDirs } from '../support/cli.js';
import { NASTY } from '../support/nasty-secret.js';
import { runInProcess } from './in-process.js';

const TOKEN = 'tok-3f9a-SECRET';

/** A careless module: it puts its secret argument everywhere it can. */
const leaky = defineModule<{ token: string; fail: boolean }>({
  name: 'leaky',
  summary: 'test module that leaks its secret',
  schema: { type: 'object', additionalProperties: false, properties: { token: { type: 'string' }, fail: { type: 'boolean', default: false } } },
  secrets: ['token'],
  controllerOnly: true,
  async check(ctx, a) {
    ctx.log(`logging ${a.token}`);
    if (a.fail) throw new ModuleError(`refused token ${a.token}`);
    return { changed: true, description: `would store ${a.token}`, diffs: [{ path: '/etc/token', before: '', after: `${a.token}\n` }], kind: "run" };
  },
  async apply() {},
});

/** Prints its secret the ways programs do: shell-quoted, as YAML and a URL in a diff, as JSON and a Python repr in an error. */
const formsOfIt = defineModule<{ token: string; fail: boolean }>({
  name: 'forms_of_it',
  summary: 'test module that prints its secret in many forms',
  schema: { type: 'object', additionalProperties: false, properties: { token: { type: 'string' }, fail: { type: 'boolean', default: false } } },
  secrets: ['token'],
  controllerOnly: true,
  async check(_ctx, a) {
    const repr = `'${a.token.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/'/g, "\\'")}'`;
    if (a.fail) throw new ModuleError(`bad settings ${JSON.stringify({ token: a.token })} (from python: {'token': ${repr}})`);
    const after = `${yamlStringify({ token: a.token }, { defaultStringType: 'QUOTE_DOUBLE' })}url: postgresql://app:${encodeURIComponent(a.token)}@db/app\n`;
    return { changed: true, description: `would run: export TOKEN='${a.token.replace(/'/g, `'\\''`)}'`, diffs: [{ path: '/etc/app.yml', before: '', after }], kind: "run" };
  },
  async apply() {},
});

describe('integration: secrets', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  it('a secret argument is masked in messages, diffs and -v logs; no_log hides logs too', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  vars: {secret: ${TOKEN}}
  tasks:
    - name: quiet
      leaky: {token: "{{ secret }}"}
      no_log: true
    - name: change
      leaky: {token: "{{ secret }}"}
    - name: echo it
      debug: msg="the token is {{ secret }}"
    - name: failure
      leaky: {token: "{{ secret }}", fail: true}
`,
    });
    const r = await runInProcess(dir, 'site.yml', { verbose: 2, diff: true }, {}, [leaky]);
    expect(r.code).to.equal(2);
    expect(r.out).not.to.include(TOKEN);
    expect(r.out.match(/logging \*{8}/g), r.out).to.have.length(2);
    expect(r.out).to.match(/TASK \[change\][^\n]*\n {2}h1: logging \*{8}\nchanged: \[h1\]: would store \*{8}/);
    expect(r.out).to.include('+********');
    expect(r.out).to.include('the token is ********');
    expect(r.out).to.include('FAILED! => refused token ********');
  });

  it('a secret with quotes, backslashes and URL characters is masked in every printed form: debug, diffs, errors', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'secret.json': JSON.stringify({ secret: NASTY }),
      'site.yml': `
- hosts: all
  gather_facts: false
  vars_files: [secret.json]
  tasks:
    - name: change
      forms_of_it: {token: "{{ secret }}"}
    - name: show a structure
      debug: {var: settings}
      vars: {settings: {db: {password: "{{ secret }}"}, list: ["{{ secret }}"]}}
    - name: failure
      forms_of_it: {token: "{{ secret }}", fail: true}
`,
    });
    const r = await runInProcess(dir, 'site.yml', { verbose: 2, diff: true }, {}, [formsOfIt]);
    expect(r.code, r.out).to.equal(2);
    for (const tell of ['w\\ord', 'w\\\\ord', 'w%5Cord', '$x&y']) expect(r.out, r.out).not.to.include(tell);
    expect(r.out).to.include("would run: export TOKEN='********'");
    expect(r.out).to.include('+"token": "********"');
    expect(r.out).to.include('+url: postgresql://app:********@db/app');
    expect(r.out).to.include('"password": "********"');
    expect(r.out).to.include(`bad settings {"token":"********"} (from python: {'token': '********'})`);
  });
});
