// Keywords whose behaviour ansible-core cannot be asked about on a pipe: throttle (how many
// hosts run a task at once), vars_prompt (a terminal), and environment values kept out of the
// output even at -vvv.
import { expect } from 'chai';
import { defineModule } from '../../engine/module-api.js';
import { ValidationError } from '../../engine/errors.js';
import { localInventory, playbookDir, removePlaybookDirs } from '../support/cli.js';
import { recap, runInProcess, seen } from './in-process.js';

/** `slow: {}` — sleeps a little and remembers the most hosts that ran it at once. */
function concurrency() {
  const s = { now: 0, max: 0 };
  const mod = defineModule<Record<string, unknown>>({
    name: 'slow',
    summary: 'test module: counts concurrent runs',
    schema: { type: 'object', additionalProperties: true },
    controllerOnly: true,
    async check() {
      s.now++;
      s.max = Math.max(s.max, s.now);
      await new Promise((r) => setTimeout(r, 60));
      s.now--;
      return { changed: false, reason: 'slept' };
    },
    async apply() {},
  });
  return { s, mod };
}

describe('integration: throttle, vars_prompt, environment secrecy', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  it('throttle on a task and on a block limits the hosts at once; without it --forks does', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1', 'h2', 'h3', 'h4']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - slow: {}
      throttle: 2
`,
      'block.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - slow: {}
      throttle: 1
`,
      'none.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - slow: {}
`,
    });
    for (const [file, want] of [['site.yml', 2], ['block.yml', 1], ['none.yml', 4]] as const) {
      const { s, mod } = concurrency();
      const r = await runInProcess(dir, file, { forks: 5 }, {}, [mod]);
      expect(r.code, r.out).to.equal(0);
      expect(s.max, file).to.equal(want);
    }
  });

  it('vars_prompt: asked once per play, default on an empty answer, extra vars win unasked, private answers redacted', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1', 'h2']),
      'site.yml': `
- hosts: all
  gather_facts: false
  vars_prompt:
    - name: db_password
      prompt: Database password
    - name: release
      prompt: Which release
      private: no
      default: "15"
    - name: given
      prompt: never asked
  tasks:
    - record: {pw: "{{ db_password }}", release: "{{ release }}", given: "{{ given }}"}
    - debug: {msg: "the password is {{ db_password }}"}
`,
    });
    const asked: [string, boolean][] = [];
    const answers = ['s3cr3t-Pw{{ x }}', ''];
    const r = await runInProcess(dir, 'site.yml', { extraVars: ['given=from-e'] }, { prompt: async (q, secret) => (asked.push([q, secret]), answers.shift()!) });
    expect(r.code, r.out).to.equal(0);
    expect(asked).to.deep.equal([['Database password: ', true], ['Which release [15]: ', false]]);
    // What was typed is data: its braces are not a template.
    expect(seen(r.records, 'h2', 'pw')).to.deep.equal(['s3cr3t-Pw{{ x }}']);
    expect(seen(r.records, 'h1', 'release')).to.deep.equal(['15']);
    expect(seen(r.records, 'h1', 'given')).to.deep.equal(['from-e']);
    expect(r.out).to.not.include('s3cr3t-Pw');
    expect(r.out).to.include('the password is ********');
  });

  it('vars_prompt confirm asks twice; encrypt gives a sha512 crypt hash', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  vars_prompt:
    - name: pw
      prompt: New password
      confirm: yes
      encrypt: sha512_crypt
  tasks:
    - record: {pw: "{{ pw }}"}
`,
    });
    const answers = ['a', 'b', 'pw1', 'pw1'];
    const r = await runInProcess(dir, 'site.yml', {}, { prompt: async () => answers.shift()! });
    expect(r.code, r.out).to.equal(0);
    expect(answers).to.deep.equal([]);
    expect(r.out).to.include('VALUES ENTERED DO NOT MATCH');
    expect(String(seen(r.records, 'h1', 'pw')[0])).to.match(/^\$6\$[^$]+\$[./A-Za-z0-9]{86}$/);
  });

  it('vars_prompt without a terminal and without a default is a load-time error naming the entry; nothing runs', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - record: {step: first play}
- hosts: all
  gather_facts: false
  vars_prompt:
    - name: pw
      prompt: Password
    - name: ok
      prompt: has one
      default: x
  tasks:
    - record: {pw: "{{ pw }}"}
`,
    });
    let err: unknown;
    const r = await runInProcess(dir).catch((e) => ((err = e), undefined));
    const problems = r ? [] : (err as ValidationError).problems;
    expect(err, r?.out).to.be.instanceOf(ValidationError);
    expect(problems.map((p) => `${p.line}:${p.col} ${p.message}`)).to.deep.equal(["9:7 vars_prompt 'pw': no terminal to ask on and no default"]);
    expect(problems[0]!.hint).to.include('-e pw=VALUE');
  });

  it('an environment value never shows in the output, even when the command fails at -vvv', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - shell: "test -z \\"$TOKEN\\""
      environment: {TOKEN: Zq-env-value-9}
`,
    });
    const r = await runInProcess(dir, 'site.yml', { verbose: 3 });
    expect(r.code).to.equal(2);
    expect(recap(r.out, 'h1')).to.include({ failed: 1 });
    expect(r.out).to.not.include('Zq-env-value-9');
  });
});
