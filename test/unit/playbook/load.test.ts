import { expect } from 'chai';
import { join } from 'node:path';
import { ValidationError } from '../../../engine/errors.js';
import { defineModule, type ModuleDefinition } from '../../../engine/module-api.js';
import { Registry } from '../../../engine/module-registry.js';
import { loadPlaybook } from '../../../engine/playbook/load.js';
import type { BlockTask, ModuleTask, Task } from '../../../engine/playbook/model.js';
import { playbookDir, removePlaybookDirs } from '../../support/cli.js';

const noop = { check: async () => ({ changed: false as const, reason: 'test' }), apply: async () => undefined };

const fileLine = defineModule({
  name: 'file_line',
  summary: 'test double',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string' },
      line: { type: 'string' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present' },
      create: { type: 'boolean', default: false },
      mode: { type: ['string', 'integer'] },
    },
  },
  aliases: { dest: 'path' },
  ansibleNames: ['lineinfile', 'ansible.builtin.lineinfile'],
  ...noop,
});

const shell = defineModule({
  name: 'shell',
  summary: 'test double',
  schema: { type: 'object', additionalProperties: false, properties: { cmd: { type: 'string' }, chdir: { type: 'string' } } },
  freeForm: 'cmd',
  ...noop,
});

const debug = defineModule({
  name: 'debug',
  summary: 'test double',
  schema: { type: 'object', additionalProperties: false, properties: { msg: {} } },
  ...noop,
});

const registry = new Registry([debug, fileLine, shell] as ModuleDefinition[]);

async function problemsOf(file: string): Promise<ValidationError> {
  try {
    await loadPlaybook(file, registry);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error(`${file} loaded without problems`);
}

const play = (tasks: string, extra = '') => `- hosts: all\n${extra}  tasks:\n${tasks}`;
const flat = (tasks: Task[]): Task[] => tasks.flatMap((t) => (t.kind === 'block' ? [t, ...flat([...t.block, ...t.rescue, ...t.always])] : [t]));

describe('playbook loading and validation', () => {
  after(removePlaybookDirs);

  it('reports every problem at once, sorted, each with file:line:col, the line and a caret', async () => {
    const dir = playbookDir({
      'site.yml': play(
        [
          '    - name: ok',
          '      debug: msg=hi',
          '    - file_lin: {path: /x}', // 4: unknown module
          '    - file_line: {path: /x, colour: red}', // 5: unknown argument
          '    - file_line: {path: /x, state: gone}', // 6: bad enum
          '    - file_line: {line: x}', // 7: missing required
          '      whn: true', // 8: unknown keyword
          '    - import_tasks: more.yml',
          '',
        ].join('\n'),
      ),
      'more.yml': '- debug: msg=x\n  when: "a ==="\n',
    });
    const err = await problemsOf(join(dir, 'site.yml'));
    const site = join(dir, 'site.yml');
    const more = join(dir, 'more.yml');
    expect(err.problems.map((p) => `${p.file}:${p.line}:${p.col}`)).to.deep.equal([`${more}:2:9`, `${site}:5:7`, `${site}:6:29`, `${site}:7:29`, `${site}:8:7`, `${site}:9:7`]);
    const [expr, unknownModule, unknownArg, badEnum, missing, keyword] = err.problems;
    expect(expr!.message).to.match(/^invalid expression in 'when': /);
    expect(expr!.hint).to.equal('Jinja2 compares with == and !=');
    expect(unknownModule!.message).to.equal("unknown module 'file_lin'");
    expect(unknownModule!.hint).to.match(/^did you mean 'file_line'\?/);
    expect(unknownArg!.message).to.equal("file_line: unknown argument 'colour'");
    expect(unknownArg!.hint).to.equal('allowed: create, line, mode, path, state');
    expect(badEnum!.message).to.equal("file_line: argument 'state' must be one of: present, absent");
    expect(missing!.message).to.equal("file_line: missing required argument 'path'");
    expect(keyword!.message).to.equal("unknown task keyword 'whn'");
    expect(keyword!.hint).to.equal("did you mean 'when'?");
    expect(err.message).to.include(
      [`${site}:6:29: file_line: unknown argument 'colour'`, '  6 |     - file_line: {path: /x, colour: red}', `  ${' '.repeat('6 | '.length + 28)}^`, '  hint: allowed: create, line, mode, path, state'].join('\n'),
    );
  });

  it('reports a {{ expression }} that does not compile, in arguments and loops, before any run', async () => {
    const dir = playbookDir({ 'site.yml': play('    - file_line: {path: "/x/{{ a === b }}", line: x}\n      loop: "{{ [1, 2 }}"\n      when: x | no_such_filter\n') });
    const err = await problemsOf(join(dir, 'site.yml'));
    expect(err.problems.map((p) => `${p.line}:${p.col} ${p.message.replace(/:.*/, '')}`)).to.deep.equal([
      "3:25 invalid expression in argument 'path'",
      "4:13 invalid expression in 'loop'",
      "5:13 invalid expression in 'when'",
    ]);
    expect(err.problems[2]!.message).to.match(/no filter named 'no_such_filter'/);
  });

  it("finds a module by Ansible's name, short or fully qualified, and by tsplay's", async () => {
    const dir = playbookDir({
      'site.yml': play('    - lineinfile: {path: /x}\n    - ansible.builtin.lineinfile: {path: /x}\n    - ansible.builtin.file_line: {path: /x}\n    - linefile: {path: /x}\n'),
    });
    const err = await problemsOf(join(dir, 'site.yml'));
    expect(err.problems.map((p) => `${p.line}: ${p.message}`)).to.deep.equal(["6: unknown module 'linefile'"]);
    const ok = playbookDir({ 'site.yml': play('    - lineinfile: {path: /x, line: a}\n    - ansible.builtin.debug: {msg: x}\n') });
    const tasks = (await loadPlaybook(join(ok, 'site.yml'), registry)).plays[0]!.tasks as ModuleTask[];
    expect(tasks.map((t) => t.module.name)).to.deep.equal(['file_line', 'debug']);
  });

  it('reports a YAML syntax error at its position', async () => {
    const dir = playbookDir({ 'site.yml': '- hosts: all\n  tasks:\n    - debug: {msg: [unclosed}\n' });
    const err = await problemsOf(join(dir, 'site.yml'));
    expect(err.problems).to.have.length.greaterThan(0);
    const p = err.problems[0]!;
    expect(p.message).to.match(/^YAML syntax error: /);
    expect(p.line).to.equal(3);
    expect(p.sourceLine).to.equal('    - debug: {msg: [unclosed}');
  });

  it('reports import loops', async () => {
    const dir = playbookDir({
      'site.yml': '- import_playbook: other.yml\n',
      'other.yml': '- import_playbook: site.yml\n',
      'tasks.yml': play('    - import_tasks: a.yml\n'),
      'a.yml': '- import_tasks: b.yml\n',
      'b.yml': '- import_tasks: a.yml\n',
    });
    const loop = await problemsOf(join(dir, 'site.yml'));
    expect(loop.problems.map((p) => p.message)).to.deep.equal([`import loop: ${join(dir, 'site.yml')} imports itself`]);
    expect(loop.problems[0]!.file).to.equal(join(dir, 'other.yml'));
    const tasks = await problemsOf(join(dir, 'tasks.yml'));
    expect(tasks.problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).to.deep.equal([`${join(dir, 'b.yml')}:1: import_tasks loop: a.yml includes itself`]);
  });

  it('import_tasks passes its tags, when and vars to every task it imports, blocks too', async () => {
    const dir = playbookDir({
      'site.yml': play('    - import_tasks: inner.yml\n      tags: [outer]\n      when: use_it\n      vars: {v: 1}\n', '  tags: play\n'),
      'inner.yml': '- debug: msg=a\n  tags: own\n  when: also\n- block:\n    - debug: msg=b\n  tags: blk\n',
    });
    const pb = await loadPlaybook(join(dir, 'site.yml'), registry);
    const [a, block] = pb.plays[0]!.tasks as [ModuleTask, BlockTask];
    expect(a.tags).to.deep.equal(['play', 'outer', 'own']);
    expect(a.when).to.deep.equal(['use_it', 'also']);
    expect(a.vars).to.deep.equal([{ v: 1 }]);
    const b = block.block[0] as ModuleTask;
    expect(b.tags).to.deep.equal(['play', 'outer', 'blk']);
    expect(b.when).to.deep.equal(['use_it']);
  });

  it('import_playbook passes its tags, when and vars to the plays it imports', async () => {
    const dir = playbookDir({
      'site.yml': '- import_playbook: inner.yml\n  tags: imported\n  when: enabled\n  vars: {x: import, y: import}\n',
      'inner.yml': play('    - debug: msg=a\n      tags: own\n    - block:\n        - debug: msg=b\n      when: inner\n', '  vars: {x: play, z: play}\n  handlers:\n    - name: h\n      debug: msg=h\n'),
    });
    const pb = await loadPlaybook(join(dir, 'site.yml'), registry);
    const p = pb.plays[0]!;
    expect(p.tags).to.deep.equal(['imported']);
    expect(p.vars).to.deep.equal({ x: 'import', y: 'import', z: 'play' });
    const tasks = flat(p.tasks);
    expect(tasks.map((t) => t.tags)).to.deep.equal([['imported', 'own'], ['imported'], ['imported']]);
    expect(tasks.map((t) => t.when)).to.deep.equal([['enabled'], ['enabled', 'inner'], ['enabled', 'inner']]);
    expect(p.handlers[0]!.when).to.deep.equal(['enabled']);
  });

  it('blocks pass tags, when, vars and keywords down, and refuse task-only keywords', async () => {
    const dir = playbookDir({
      'ok.yml': play('    - block:\n        - debug: msg=x\n      rescue:\n        - debug: msg=y\n      become: true\n      ignore_errors: true\n      when: a\n      tags: t\n'),
      'bad.yml': play('    - block:\n        - debug: msg=x\n      loop: [1]\n    - debug: msg=y\n      rescue: []\n'),
    });
    const pb = await loadPlaybook(join(dir, 'ok.yml'), registry);
    const block = pb.plays[0]!.tasks[0] as BlockTask;
    for (const t of [block.block[0]!, block.rescue[0]!]) {
      expect(t.tags).to.deep.equal(['t']);
      expect(t.when).to.deep.equal(['a']);
      expect(t.become).to.equal(true);
      expect(t.ignoreErrors).to.equal(true);
    }
    const err = await problemsOf(join(dir, 'bad.yml'));
    expect(err.problems.map((p) => p.message)).to.deep.equal(["'loop' is not allowed on a block", "'rescue' needs a 'block' beside it"]);
  });

  it('parses k=v strings: templates with spaces stay whole, free-form text is kept as written', async () => {
    const dir = playbookDir({
      'site.yml': play(
        [
          '    - file_line: path=/srv/{{ inventory_hostname }}.conf line="a b" create=yes',
          '    - shell: FOO=1 env | grep FOO',
          '    - shell: chdir=/tmp ls   -l',
          '    - shell: |',
          '        echo one',
          '        echo two',
          '',
        ].join('\n'),
      ),
    });
    const pb = await loadPlaybook(join(dir, 'site.yml'), registry);
    const [fl, env, ls, multi] = pb.plays[0]!.tasks as ModuleTask[];
    expect(fl!.args).to.deep.equal({ path: '/srv/{{ inventory_hostname }}.conf', line: 'a b', create: 'yes' });
    expect(env!.args).to.deep.equal({ cmd: 'FOO=1 env | grep FOO' });
    expect(ls!.args).to.deep.equal({ chdir: '/tmp', cmd: 'ls   -l' });
    expect(multi!.args).to.deep.equal({ cmd: 'echo one\necho two\n' });
  });

  it('checks template-free argument types at load time, templated ones at run time', async () => {
    const dir = playbookDir({
      'site.yml': play('    - file_line: {path: /x, create: "{{ flag }}", mode: 0644}\n    - file_line: {path: /x, create: maybe}\n'),
    });
    const err = await problemsOf(join(dir, 'site.yml'));
    expect(err.problems.map((p) => `${p.line}: ${p.message}`)).to.deep.equal(["4: file_line: argument 'create' must be boolean"]);
  });

  it('refuses unknown play keywords, missing roles, and handlers that are not module tasks', async () => {
    const dir = playbookDir({
      'site.yml': '- hosts: all\n  gather_fact: false\n  roles: [x]\n  tasks: []\n  handlers:\n    - block: []\n',
    });
    const err = await problemsOf(join(dir, 'site.yml'));
    const messages = err.problems.map((p) => p.message + (p.hint ? ` (${p.hint})` : ''));
    expect(messages).to.include("unknown play keyword 'gather_fact' (did you mean 'gather_facts'?)");
    expect(messages.some((m) => m.startsWith("role 'x' not found (looked in:"))).to.equal(true);
    expect(messages).to.include('handlers must be module tasks (no blocks or includes)');
  });

  it('refuses Ansible keywords that tsplay does not implement, rather than ignoring them', async () => {
    const dir = playbookDir({
      'site.yml': '- hosts: all\n  strategy: free\n  tasks:\n    - debug: msg=x\n      with_first_found: [a, b]\n',
      'linear.yml': '- hosts: all\n  strategy: linear\n  tasks: []\n',
    });
    const err = await problemsOf(join(dir, 'site.yml'));
    expect(err.problems.map((p) => `${p.line}: ${p.message.split(':')[0]}`)).to.deep.equal(['2: only the linear strategy exists', "5: 'with_first_found' is not supported"]);
    expect(err.problems[1]!.hint).to.include("loop: \"{{ lookup('first_found'");
    expect((await loadPlaybook(join(dir, 'linear.yml'), registry)).plays).to.have.length(1);
  });

  it('serial, max_fail_percentage, any_errors_fatal, order, throttle, environment, vars_prompt are read into the play', async () => {
    const dir = playbookDir({
      'site.yml': `- hosts: all
  serial: [1, "50%"]
  max_fail_percentage: 30
  any_errors_fatal: true
  order: reverse_sorted
  environment: {PGDATA: /srv/pg}
  vars_prompt:
    - name: pw
      prompt: Password
      confirm: yes
  tasks:
    - block:
        - debug: msg=x
          environment: {LANG: C}
          throttle: 1
      throttle: 2
      environment: {TZ: UTC}
`,
    });
    const pb = await loadPlaybook(join(dir, 'site.yml'), registry);
    const p = pb.plays[0]!;
    expect(p.serial).to.deep.equal([1, '50%']);
    expect(p.maxFailPercentage).to.equal(30);
    expect(p.anyErrorsFatal).to.equal(true);
    expect(p.order).to.equal('reverse_sorted');
    expect(p.varsPrompt.map((v) => [v.name, v.prompt, v.private, v.confirm])).to.deep.equal([['pw', 'Password', true, true]]);
    const block = p.tasks[0]!;
    if (block.kind !== 'block') throw new Error('a block');
    const t = block.block[0]!;
    expect([block.throttle, t.throttle, t.anyErrorsFatal]).to.deep.equal([2, 1, true]);
    expect(t.environment).to.deep.equal([{ PGDATA: '/srv/pg' }, { TZ: 'UTC' }, { LANG: 'C' }]);
  });

  it('bad values of the play keywords are load errors with their position', async () => {
    const dir = playbookDir({
      'site.yml': `- hosts: all
  serial: [1, lots]
  max_fail_percentage: 120
  order: random
  environment: [1]
  vars_prompt:
    - prompt: no name
    - name: x
      colour: red
  tasks:
    - debug: msg=x
      throttle: -1
      environment: {"BAD-NAME": 1, OK: {nested: 1}}
    - debug: msg=x
      with_sequence: start=5 end=1
    - debug: msg=x
      with_subelements: [a]
    - debug: msg=x
      loop: [1]
      with_items: [2]
`,
    });
    const err = await problemsOf(join(dir, 'site.yml'));
    expect(err.problems.map((p) => `${p.line}:${p.col} ${p.message}`)).to.deep.equal([
      `2:15 'serial' must be a number of hosts, a percentage ('30%') or a list of them, not "lots"`,
      "3:24 'max_fail_percentage' must be a number from 0 to 100",
      "4:10 'order' must be one of inventory, reverse_inventory, sorted, reverse_sorted, shuffle",
      "5:17 'environment' must be a mapping of variable names to values",
      "7:7 vars_prompt needs 'name': a variable name",
      "9:7 unknown vars_prompt key 'colour'",
      "12:17 'throttle' must be a whole number of hosts (0: no limit)",
      "13:21 environment: 'BAD-NAME' is not a valid variable name",
      "13:40 environment: the value of 'OK' must be a string, a number or a boolean",
      '15:22 with_sequence: to count backwards make stride negative',
      '17:25 with_subelements needs [LIST, "SUBKEY"] or [LIST, "SUBKEY", {skip_missing: true}]',
      '20:7 a task has one loop: loop and with_items given',
    ]);
  });

  it('a task with two modules, or none, is a problem', async () => {
    const dir = playbookDir({ 'site.yml': play('    - debug: msg=x\n      shell: ls\n    - name: nothing\n      when: true\n') });
    const err = await problemsOf(join(dir, 'site.yml'));
    expect(err.problems.map((p) => p.message)).to.deep.equal(['conflicting action statements: debug, shell', "task 'nothing' has no module"]);
  });

  it('a missing import, vars file or tasks file is reported where it is named', async () => {
    const dir = playbookDir({
      'site.yml': '- hosts: all\n  vars_files: [nope.yml]\n  tasks:\n    - import_tasks: missing.yml\n    - include_tasks: "{{ dynamic }}.yml"\n',
    });
    const err = await problemsOf(join(dir, 'site.yml'));
    expect(err.problems.map((p) => `${p.line}:${p.col}: ${p.message}`)).to.deep.equal(['2:16: vars file not found: nope.yml', '4:21: import_tasks: file not found: missing.yml']);
  });

  it('loop_control, register and retries are read into the task', async () => {
    const dir = playbookDir({
      'site.yml': play('    - debug: msg=x\n      loop: "{{ items }}"\n      loop_control: {loop_var: it, label: "{{ it.name }}", index_var: i, pause: 1}\n      register: out\n      until: out.ok\n      retries: 7\n      delay: 0\n'),
      'bad.yml': play('    - debug: msg=x\n      loop_control: {loop_vars: x}\n      register: not-a-name\n'),
    });
    const t = (await loadPlaybook(join(dir, 'site.yml'), registry)).plays[0]!.tasks[0] as ModuleTask;
    expect([t.loop, t.loopVar, t.loopLabel, t.loopIndexVar, t.loopPause, t.register, t.until, t.retries, t.delay]).to.deep.equal(['{{ items }}', 'it', '{{ it.name }}', 'i', 1, 'out', 'out.ok', 7, 0]);
    const err = await problemsOf(join(dir, 'bad.yml'));
    expect(err.problems.map((p) => p.message)).to.deep.equal(["unknown loop_control key 'loop_vars'", "register name 'not-a-name' is not a valid variable name"]);
  });
});
