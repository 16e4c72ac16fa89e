// cli/flags.ts is the one declaration of each shared flag. This walks the table so that a
// half-declared flag fails here: every entry has help, parses on each command that takes it,
// shows in that command's --help, goes somewhere (RunOptions, ReporterOptions, or code that
// reads it), its ansible.cfg setting and ANSIBLE_* variable fill it, and the README lists it.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { withConfig } from '../../../cli/config-flags.js';
import { type CommandName, CONFIG_ONLY, type Flag, type FlagName, flagEntries, mapFlags, SETTINGS } from '../../../cli/flags.js';
import { program } from '../../../cli/program.js';
import { loadAnsibleConfig } from '../../../engine/config/ansible-cfg.js';
import { PACKAGE_ROOT } from '../../../engine/install-paths.js';
import { removeTrees, tree } from '../inventory/temp-tree.js';

type AnyFlag = Flag<never, never>;

/** The commands of a fresh program (commander keeps parsed values on the command). */
function commands(name: CommandName): readonly Command[] {
  const c = program().commands.find((x) => x.name() === name)!;
  return name === 'vault' ? c.commands : [c];
}

/** A command line that gives the flag a value. */
function argvOf(f: AnyFlag): string[] {
  const long = new Option(f.spec).long!;
  if (f.choices) return [long, f.choices.at(-1)!];
  return f.spec.includes('<') ? [long, '3'] : [long];
}

function parse(c: Command, argv: string[]): Record<string, unknown> {
  c.parseOptions(argv);
  return c.opts();
}

const squeeze = (s: string) => s.replace(/\s+/g, ' ');

function readmeRow(f: AnyFlag): string {
  const o = new Option(f.spec);
  const names = [o.short, o.long].filter(Boolean).join('/');
  const placeholder = /<(.+)>/.exec(f.spec)?.[1];
  const arg = f.choices ? ` ${f.choices.join('\\|')}` : placeholder ? ` ${placeholder.toUpperCase()}` : '';
  const s = f.setting;
  return `| \`${names}${arg}\` | ${f.doc ?? f.help} | ${s ? `\`[${s.section}] ${s.key}\`, \`${s.env}\`` : ''} |`;
}

describe('cli/flags: a flag is one declaration', () => {
  after(removeTrees);
  const entries = flagEntries();

  it('each entry is complete: help, a name commander agrees with, a command, a use', () => {
    for (const [name, f] of entries) {
      expect(f.help.trim(), name).to.not.equal('');
      expect(new Option(f.spec).attributeName(), `${name}: its key is the long flag in camelCase`).to.equal(name);
      expect(f.commands, name).to.not.be.empty;
      expect(f.run ?? f.report ?? f.readBy, `${name}: maps into RunOptions/ReporterOptions or names the code that reads it`).to.not.equal(undefined);
      if (f.readBy) expect(readFileSync(join(PACKAGE_ROOT, f.readBy), 'utf8'), `${f.readBy} reads flags.${name}`).to.include(`flags.${name}`);
    }
  });

  it('each command takes its flags, parses them, and shows them in --help', () => {
    for (const [name, f] of entries) {
      for (const command of f.commands) {
        for (const c of commands(command)) {
          const where = `${name} on ${command} ${c.name()}`;
          const before = parse(c, [])[name];
          expect(parse(c, argvOf(f))[name], `${where} parses`).to.not.deep.equal(before);
          const help = squeeze(c.helpInformation());
          if (f.hidden) expect(help, where).to.not.include(new Option(f.spec).long!);
          else expect(help, `${where} in --help`).to.include(`${f.spec} ${squeeze(f.help)}`);
        }
      }
    }
  });

  it('tsplay run has no flag beside the table', () => {
    const [run] = commands('run');
    const declared = new Set(entries.filter(([, f]) => f.commands.includes('run')).map(([, f]) => f.spec));
    expect(run!.options.map((o) => o.flags).filter((s) => !declared.has(s))).to.deep.equal([]);
  });

  it('each flag that maps changes the run or reporter options', () => {
    const [run] = commands('run');
    const baseline = mapFlags(withConfig(parse(run!, []), {}));
    for (const [name, f] of entries.filter(([, f]) => f.run || f.report)) {
      const [c] = commands('run');
      const mapped = mapFlags(withConfig(parse(c!, argvOf(f)), {}));
      expect(mapped, `${name} goes into the run`).to.not.deep.equal(baseline);
    }
  });

  it('each ansible.cfg setting and its ANSIBLE_* variable fill the flag', () => {
    const samples: Record<string, string[]> = { bool: ['yes', 'no'], int: ['7'], seconds: ['7'] };
    const none = withConfig({}, {}) as unknown as Record<FlagName, unknown>;
    for (const [name, f] of entries.filter(([, f]) => f.setting)) {
      const s = f.setting!;
      // Ansible's own names for Ansible's settings; tsplay's own live in [tsplay], TSPLAY_*.
      expect(s.env, name).to.equal(`${s.section === 'tsplay' ? 'TSPLAY' : 'ANSIBLE'}_${s.key.toUpperCase()}`);
      const fills = (env: Record<string, string>, cwd: string) => (withConfig({}, loadAnsibleConfig(SETTINGS, { HOME: cwd, ...env }, cwd)) as unknown as Record<FlagName, unknown>)[name];
      for (const via of ['file', 'env'] as const) {
        const changed = (samples[s.kind] ?? ['x']).some((v) => {
          const d = via === 'file' ? tree({ 'ansible.cfg': `[${s.section}]\n${s.key} = ${v}\n` }) : tree({ 'no-config': '' });
          const got = via === 'file' ? fills({ ANSIBLE_CONFIG: join(d, 'ansible.cfg') }, d) : fills({ [s.env]: v }, d);
          return JSON.stringify(got) !== JSON.stringify(none[name]);
        });
        expect(changed, `${name}: [${s.section}] ${s.key} by ${via}`).to.equal(true);
      }
    }
  });

  it("the README's table of options is the table's", () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8').split('\n');
    const header = readme.indexOf('| option | meaning | ansible.cfg, environment |');
    expect(header, 'the options table in README.md').to.be.greaterThan(-1);
    const end = readme.indexOf('', header);
    const expected = entries.filter(([, f]) => f.commands.includes('run') && !f.hidden).map(([, f]) => readmeRow(f));
    expect(readme.slice(header + 2, end).join('\n')).to.equal(expected.join('\n'));
    const cfgSection = readme.slice(readme.indexOf('## ansible.cfg')).join('\n');
    for (const s of Object.values(CONFIG_ONLY)) expect(cfgSection, 'the settings with no flag').to.include(`\`${s.key}\` (\`${s.env}\``);
  });
});
