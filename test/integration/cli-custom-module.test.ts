// The custom module example (examples/custom-module/modules/motd.ts, TypeScript importing
// defineModule from 'tsplay'), loaded with --module-path and from a modules/ folder beside the
// playbook, run for real through the command line.
import { expect } from 'chai';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { localInventory, playbookDir, REPO, removePlaybookDirs, runCli, writeFiles } from '../support/cli.js';
import { recap } from './in-process.js';

const EXAMPLE = join(REPO, 'examples/custom-module');
const MODULES = join(EXAMPLE, 'modules');

describe('integration: the custom module example', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  it('tsplay doc motd --module-path documents it', async () => {
    const r = await runCli(['doc', 'motd', '--module-path', 'examples/custom-module/modules']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^> MOTD\n/);
    expect(r.stdout).to.match(/\n {2}message \(string\) \[required\]\n/);
    expect(r.stdout).to.include('default: "/etc/motd"');
  });

  it('runs from a playbook elsewhere with --module-path: check, change, then no change', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: motd
      motd:
        path: "{{ playbook_dir }}/motd"
        header: "{{ inventory_hostname }}"
        message: Managed by tsplay.
        mode: 0640
`,
    });
    const motd = join(dir, 'motd');
    const args = ['run', 'site.yml', '-i', 'inventory.yml', '--module-path', MODULES, '--diff'];
    const checked = await runCli([...args, '--check'], { cwd: dir });
    expect(checked.code, checked.stdout + checked.stderr).to.equal(0);
    expect(checked.stdout).to.include(`changed: [h1]: ${motd}: create it`);
    expect(checked.stdout).to.include('+h1\n+\n+Managed by tsplay.');
    expect(existsSync(motd)).to.equal(false);

    const first = await runCli(args, { cwd: dir });
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    expect(readFileSync(motd, 'utf8')).to.equal('h1\n\nManaged by tsplay.\n');
    expect((statSync(motd).mode & 0o777).toString(8)).to.equal('640');
    expect(recap(first.stdout, 'h1')).to.include({ ok: 1, changed: 1 });

    const second = await runCli(args, { cwd: dir });
    expect(second.code, second.stderr).to.equal(0);
    expect(recap(second.stdout, 'h1')).to.include({ ok: 1, changed: 0 });

    const without = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir });
    expect(without.code).to.equal(3);
    expect(without.stderr).to.include("unknown module 'motd'");
  });

  it('runs the example playbook, whose modules/ folder is beside it', async () => {
    const dir = playbookDir({ 'inventory.yml': localInventory(['box']) });
    const motd = join(dir, 'motd');
    const r = await runCli(['run', join(EXAMPLE, 'site.yml'), '-i', 'inventory.yml', '-e', `motd_path=${motd}`], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.include(`changed: [box]: ${motd}: create it`);
    expect(readFileSync(motd, 'utf8')).to.match(/^box: \S.*\n\nThis host is managed by tsplay: local changes to this file will be overwritten\.\n$/);
  });

  describe('a module folder outside the repository', () => {
    // Written as the README says: everything from 'tsplay', nothing from the repository's files.
    const GREET = `import { defineModule, ModuleError, quote } from 'tsplay';

interface Args { path: string; text: string }

export default defineModule<Args, { text: string }>({
  name: 'greet',
  summary: 'Write a greeting',
  schema: { type: 'object', additionalProperties: false, required: ['path', 'text'], properties: { path: { type: 'string' }, text: { type: 'string' } } },
  async check(ctx, a) {
    if (a.text === 'refuse') throw new ModuleError('greet: will not write that', { refused: true });
    const r = await ctx.exec(\`cat -- \${quote(a.path)}\`);
    if (r.code === 0 && r.stdout === a.text + '\\n') return { changed: false, reason: 'already greeted' };
    return { changed: true, kind: r.code === 0 ? 'modify' : 'create', description: \`greet in \${a.path}\`, plan: { text: a.text } };
  },
  async apply(ctx, a, change) {
    await ctx.writeFile(a.path, change.plan!.text + '\\n');
  },
});
`;
    const playbook = (text: string) => `
- hosts: all
  gather_facts: false
  tasks:
    - greet: { path: "{{ playbook_dir }}/hello", text: ${text} }
      ignore_errors: true
`;

    it('resolves tsplay to this installation, runs, converges, and a ModuleError fails only its task', async () => {
      const dir = playbookDir({ 'inventory.yml': localInventory(['h1']), 'site.yml': playbook('hi'), 'modules/greet.ts': GREET, 'refuse.yml': playbook('refuse') });
      expect(dir.startsWith(REPO)).to.equal(false);
      const first = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir });
      expect(first.code, first.stdout + first.stderr).to.equal(0);
      expect(readFileSync(join(dir, 'hello'), 'utf8')).to.equal('hi\n');
      expect(recap(first.stdout, 'h1')).to.include({ changed: 1 });
      const again = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir });
      expect(recap(again.stdout, 'h1')).to.include({ ok: 1, changed: 0 });
      const refused = await runCli(['run', 'refuse.yml', '-i', 'inventory.yml'], { cwd: dir });
      expect(refused.code, refused.stdout + refused.stderr).to.equal(0);
      expect(refused.stdout).to.include('fatal: [h1]: FAILED! => greet: will not write that');
      expect(recap(refused.stdout, 'h1')).to.include({ ignored: 1 });
    });

    it('type errors are load errors with file:line:col (exit 3), in a run and with doc --check-module', async () => {
      const bad = GREET.replace("return { changed: false, reason: 'already greeted' };", "return { changed: false, reasons: 'already greeted' };");
      const dir = playbookDir({ 'inventory.yml': localInventory(['h1']), 'site.yml': playbook('hi'), 'modules/greet.ts': bad });
      const file = join(dir, 'modules/greet.ts');
      const line = bad.split('\n').findIndex((l) => l.includes('async check(')) + 1;
      const run = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir });
      expect(run.code, run.stdout + run.stderr).to.equal(3);
      expect(run.stderr).to.match(new RegExp(`${file}:${line}:\\d+: [^]*Property 'reason' is missing`));
      expect(existsSync(join(dir, 'hello'))).to.equal(false);
      const checked = await runCli(['doc', '--check-module', file], { cwd: dir });
      expect(checked.code).to.equal(3);
      expect(checked.stderr).to.include(`${file}:${line}:`);
      const good = playbookDir({ 'greet.ts': GREET });
      const ok = await runCli(['doc', '--check-module', join(good, 'greet.ts')], { cwd: good });
      expect(ok.code, ok.stderr).to.equal(0);
      expect(ok.stdout).to.include("module 'greet' type-checks against the SDK and loads");
    });

    it('a syntax error has its line; a missing default export says what a module is (both exit 3)', async () => {
      const dir = playbookDir({ 'inventory.yml': localInventory(['h1']), 'site.yml': playbook('hi'), 'modules/greet.mjs': 'export default {\n  name: "greet",\n  check() {\n};\n' });
      const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir });
      expect(r.code, r.stderr).to.equal(3);
      expect(r.stderr).to.match(/greet\.mjs:\d+:\d+: cannot load module: SyntaxError/);
      const none = playbookDir({ 'inventory.yml': localInventory(['h1']), 'site.yml': playbook('hi'), 'modules/greet.mjs': 'export const x = 1;\n' });
      const n = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: none });
      expect(n.code, n.stderr).to.equal(3);
      expect(n.stderr).to.include('greet.mjs:1:1: not a tsplay module');
    });

    it('a module named like a bundled one must say overrides: true', async () => {
      const copy = GREET.replace("name: 'greet',", "name: 'copy',");
      const dir = playbookDir({ 'inventory.yml': localInventory(['h1']), 'site.yml': playbook('hi').replace('greet:', 'copy:'), 'modules/copy.ts': copy });
      const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir });
      expect(r.code, r.stderr).to.equal(3);
      expect(r.stderr).to.include("module 'copy' has the name of the bundled module 'copy': say overrides: true");
      writeFiles(dir, { 'modules/copy.ts': copy.replace("name: 'copy',", "name: 'copy',\n  overrides: true,") });
      const ok = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir });
      expect(ok.code, ok.stdout + ok.stderr).to.equal(0);
      expect(readFileSync(join(dir, 'hello'), 'utf8')).to.equal('hi\n');
    });
  });
});
