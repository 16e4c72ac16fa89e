// Every shared flag of the command line, declared once: its commander spelling and help, the
// commands that take it, the ansible.cfg setting behind it, and where its value goes in a run.
// The commands and their --help (program.ts), the ansible.cfg merge (config-flags.ts), the
// mapping into RunOptions and ReporterOptions (run-command.ts), the README's table of options and
// test/unit/cli/flags.test.ts all read this table: a new flag is one entry here.
import { Option, type Command } from 'commander';
import { type Kind, type KindValue, type Setting, setting } from '../engine/config/ansible-cfg.js';
import { UsageError } from '../engine/errors.js';
import type { ReporterOptions } from '../engine/output/reporter.js';
import { splitTagArgs } from '../engine/playbook/tags.js';
import type { RunOptions } from '../engine/runner/run-state.js';
import { DEFAULT_PERSIST, keepSettings } from './keeper-command.js';

export type CommandName = 'run' | 'inventory' | 'vault';

export const DEFAULT_FORKS = 25;

/** The part of RunOptions the flags set (runCommand adds the inventory, reporter, secrets…). */
export type RunDraft = Partial<RunOptions> & Pick<RunOptions, 'tags' | 'connection' | 'checkMode' | 'diff' | 'forks' | 'verbosity'>;
/** The part of ReporterOptions the flags set. */
export type ReportDraft = Pick<ReporterOptions, 'verbosity' | 'diff'>;

export interface Flag<R, V> {
  /** Commander's spelling: `-f, --forks <n>`. The attribute is the long name in camelCase. */
  spec: string;
  help: string;
  /** The README's wording, when it says more than --help. */
  doc?: string;
  commands: readonly CommandName[];
  /** Commander's argument parser (repeatable flags collect, -v counts). */
  parse?: (raw: string, previous: R) => R;
  initial?: R;
  choices?: readonly string[];
  hidden?: boolean;
  /** The ansible.cfg setting (and ANSIBLE_* variable) that fills the flag when the command line leaves it unset. */
  setting?: Setting;
  /** The value after ansible.cfg (default: the flag, else the setting). Its second argument is the setting's value. */
  merge?: (given: R, fromConfig: never, flags: Readonly<Record<string, unknown>>) => V;
  /** Where the value goes in the run's options… */
  run?: (value: V, o: RunDraft) => void;
  /** …and in the reporter's. */
  report?: (value: V, r: ReportDraft) => void;
  /** Else: the source file that reads `flags.<name>` itself (the test checks it does). */
  readBy?: string;
}

interface Extra<R, V, K extends Kind> extends Omit<Flag<R, V>, 'spec' | 'help' | 'commands' | 'setting' | 'merge'> {
  commands?: readonly CommandName[];
  setting?: Setting<K>;
  merge?: (given: R, fromConfig: KindValue<K> | undefined, flags: Readonly<Record<string, unknown>>) => V;
}

const make = <R, V = R, K extends Kind = never>(spec: string, help: string, o: Extra<R, V, K>): Flag<R, V> => ({ ...o, spec, help, commands: o.commands ?? ['run'] }) as Flag<R, V>;

const collect = (v: string, prev: string[] = []) => [...prev, v];
const listOf = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function parseSeconds(v: string, name: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new UsageError(`${name} must be a whole number of seconds, got '${v}'`);
  return n;
}

function parsePositive(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got '${v}'`);
  return n;
}

/** A switch: true when given. */
const on = <V = boolean | undefined, K extends Kind = never>(spec: string, help: string, o: Extra<boolean | undefined, V, K> = {}) => make(spec, help, o);
/** One value. */
const value = <V = string | undefined, K extends Kind = never>(spec: string, help: string, o: Extra<string | undefined, V, K> = {}) => make(spec, help, o);
/** One value of a few. */
const oneOf = <C extends string, V = C | undefined, K extends Kind = never>(spec: string, help: string, choices: readonly C[], o: Extra<C | undefined, V, K> = {}) =>
  make(spec, help, { ...o, choices });
/** Repeatable; undefined when not given. */
const repeated = <V = string[] | undefined, K extends Kind = never>(spec: string, help: string, o: Extra<string[] | undefined, V, K> = {}) =>
  make(spec, help, { parse: collect, ...o });
/** Repeatable; [] when not given. */
const list = <V = string[], K extends Kind = never>(spec: string, help: string, o: Extra<string[], V, K> = {}) => make(spec, help, { parse: collect, initial: [], ...o });

const either = (given: boolean | undefined, fromConfig: boolean | undefined) => given || fromConfig || undefined;

/** In help order: `tsplay run` takes them all, in this order. */
export const FLAGS = {
  askVaultPass: on('-J, --ask-vault-pass', 'ask for the vault password', {
    doc: 'ask for the vault password (see [Vault](#vault))',
    commands: ['run', 'inventory', 'vault'],
    setting: setting('defaults', 'ask_vault_pass', 'ANSIBLE_ASK_VAULT_PASS', 'bool'),
    merge: either,
    readBy: 'cli/vault-flags.ts',
  }),
  vaultPasswordFile: repeated('--vault-password-file <file>', 'vault password file, or an executable that prints it (repeatable)', {
    doc: 'a vault password file, or an executable that prints the password; repeatable',
    commands: ['run', 'inventory', 'vault'],
    setting: setting('defaults', 'vault_password_file', 'ANSIBLE_VAULT_PASSWORD_FILE', 'path'),
    // As in Ansible: --vault-password-file replaces vault_password_file.
    merge: (given, fromConfig, flags): string[] => {
      const files = [...(given ?? []), ...((flags.vaultPassFile as string[] | undefined) ?? [])];
      return files.length ? files : fromConfig ? [fromConfig] : [];
    },
    readBy: 'cli/vault-flags.ts',
  }),
  vaultPassFile: repeated('--vault-pass-file <file>', "ansible-playbook's other spelling of --vault-password-file", {
    commands: ['run', 'inventory', 'vault'],
    hidden: true,
    // Counted into vaultPasswordFile by the merge.
    merge: (): string[] => [],
    readBy: 'cli/vault-flags.ts',
  }),
  vaultId: repeated('--vault-id <label@source>', 'vault id: LABEL@prompt, LABEL@FILE or LABEL@SCRIPT (repeatable)', {
    doc: 'a labelled vault password: `LABEL@prompt`, `LABEL@FILE` or `LABEL@SCRIPT`; repeatable',
    commands: ['run', 'inventory', 'vault'],
    setting: setting('defaults', 'vault_identity_list', 'ANSIBLE_VAULT_IDENTITY_LIST', 'list'),
    // As in Ansible: vault_identity_list comes before --vault-id.
    merge: (given, fromConfig): string[] => [...(fromConfig ?? []), ...(given ?? [])],
    readBy: 'cli/vault-flags.ts',
  }),
  // In-process callers (tests, the bench) may give one source as a string.
  inventory: make<string | string[] | undefined, string[], 'pathlist'>('-i, --inventory <source>', 'inventory: YAML or INI file, script, directory, or host list a,b, (repeatable)', {
    doc: 'a YAML or INI file, a script, a directory or a host list `a,b`; repeatable',
    commands: ['run', 'inventory'],
    parse: (v, prev) => [...listOf(prev), v],
    setting: setting('defaults', 'inventory', 'ANSIBLE_INVENTORY', 'pathlist'),
    merge: (given, fromConfig) => (listOf(given).length ? listOf(given) : (fromConfig ?? [])),
    readBy: 'cli/run-command.ts',
  }),
  tags: list('-t, --tags <tags>', 'only run tasks with these tags (comma list, repeatable)', {
    doc: 'only tasks with these tags: comma lists, repeatable; `always`, `never`, `all`, `tagged`, `untagged` behave as in Ansible',
    run: (v, o) => void (o.tags.only = splitTagArgs(v)),
  }),
  skipTags: list('--skip-tags <tags>', 'skip tasks with these tags (comma list, repeatable)', {
    doc: 'skip tasks with these tags: comma lists, repeatable',
    run: (v, o) => void (o.tags.skip = splitTagArgs(v)),
  }),
  check: on('-C, --check', 'dry run: report what would change, change nothing', {
    doc: 'dry run: modules read the hosts and report what would change. `apply` is never called, except for tasks marked `check_mode: false`',
    run: (v, o) => void (o.checkMode = !!v),
  }),
  diff: on('-D, --diff', 'show unified diffs of changed files', {
    doc: 'unified diffs of the files that change (or would change)',
    run: (v, o) => void (o.diff = !!v),
    report: (v, r) => void (r.diff = !!v),
  }),
  limit: value('-l, --limit <pattern>', 'limit to hosts matching this pattern', { doc: 'only hosts matching the pattern', run: (v, o) => void (o.limit = v) }),
  extraVars: list('-e, --extra-vars <vars>', 'k=v pairs, inline YAML/JSON, or @file (repeatable)', {
    doc: '`k=v k2=v2`, inline YAML/JSON, or `@file`; repeatable, and later ones win',
    readBy: 'cli/run-command.ts',
  }),
  forks: make('-f, --forks <n>', 'hosts in parallel (default: ansible.cfg forks, else 25)', {
    doc: 'hosts in parallel (default 25). tsplay uses no process per host, so forks are cheap',
    parse: (v: string): number | undefined => parsePositive(v, '--forks'),
    setting: setting('defaults', 'forks', 'ANSIBLE_FORKS', 'int'),
    merge: (given, fromConfig): number => given ?? fromConfig ?? DEFAULT_FORKS,
    run: (v, o) => void (o.forks = v),
  }),
  startAtTask: value('--start-at-task <name>', 'start at the task with this name', {
    doc: 'skip tasks until the one with this name',
    run: (v, o) => void (o.startAtTask = v),
  }),
  listTasks: on('--list-tasks', 'list the tasks that would run', { readBy: 'cli/run-command.ts' }),
  listTags: on('--list-tags', 'list all tags', { readBy: 'cli/run-command.ts' }),
  listHosts: on('--list-hosts', 'list the hosts of each play', { readBy: 'cli/run-command.ts' }),
  syntaxCheck: on('--syntax-check', 'validate the playbook tree, contact no host', { readBy: 'cli/run-command.ts' }),
  verbose: make('-v, --verbose', 'more output (-vv, -vvv for even more)', {
    doc: 'more detail: the reason for every `ok`, durations, retries (`-vv`, `-vvv`: more)',
    parse: (_v: string, prev: number) => prev + 1,
    initial: 0,
    run: (v, o) => void (o.verbosity = v),
    report: (v, r) => void (r.verbosity = v),
  }),
  become: on('-b, --become', 'run tasks with become (sudo)', {
    doc: 'privilege escalation through sudo (or su where there is no sudo)',
    setting: setting('privilege_escalation', 'become', 'ANSIBLE_BECOME', 'bool'),
    merge: either,
    run: (v, o) => void (o.become = v),
  }),
  becomeUser: value('--become-user <user>', 'the user to become', {
    setting: setting('privilege_escalation', 'become_user', 'ANSIBLE_BECOME_USER', 'string'),
    run: (v, o) => void (o.becomeUser = v),
  }),
  askBecomePass: on('-K, --ask-become-pass', 'ask for the become password', {
    doc: 'ask for the become password; it goes over stdin, never into argv',
    setting: setting('privilege_escalation', 'become_ask_pass', 'ANSIBLE_BECOME_ASK_PASS', 'bool'),
    merge: either,
    readBy: 'cli/run-command.ts',
  }),
  user: value('-u, --user <user>', 'remote user when the inventory sets none', {
    doc: 'SSH user when the inventory sets none',
    setting: setting('defaults', 'remote_user', 'ANSIBLE_REMOTE_USER', 'string'),
    run: (v, o) => void (o.connection.user = v),
  }),
  privateKey: value('--private-key <file>', 'SSH private key when the inventory sets none', {
    setting: setting('defaults', 'private_key_file', 'ANSIBLE_PRIVATE_KEY_FILE', 'path'),
    run: (v, o) => void (o.connection.privateKey = v),
  }),
  modulePath: list('--module-path <dir>', 'load extra modules from this folder (repeatable)', { readBy: 'cli/run-command.ts' }),
  hostKeyChecking: oneOf('--host-key-checking <policy>', 'SSH host keys: strict (known_hosts), accept-new, off', ['strict', 'accept-new', 'off'], {
    doc: 'known_hosts policy (default `strict`; `host_key_checking = False` is `off`)',
    setting: setting('defaults', 'host_key_checking', 'ANSIBLE_HOST_KEY_CHECKING', 'bool'),
    // host_key_checking = False is --host-key-checking off; True is the default.
    merge: (given, fromConfig) => given ?? (fromConfig === false ? ('off' as const) : undefined),
    run: (v, o) => void (o.connection.hostKeyPolicy = v),
  }),
  persist: make('--persist <seconds>', 'keep SSH connections open this long after the run, for the next run (default 60; 0: off)', {
    doc: "keep each host's SSH connection (and its shells) open this long after the run, for the next run: 60 unless set, as Ansible's `ControlPersist=60s`; `0` connects directly and keeps nothing (see [Connections kept across runs](#connections-kept-across-runs))",
    parse: (v: string): number | undefined => parseSeconds(v, '--persist'),
    setting: setting('tsplay', 'persist', 'TSPLAY_PERSIST', 'seconds'),
    merge: (given, fromConfig): number => given ?? fromConfig ?? DEFAULT_PERSIST,
    run: (v, o) => void (o.connection.keep = keepSettings(v)),
  }),
  output: oneOf('--output <style>', 'live view or plain lines (default: live in a terminal)', ['live', 'plain'], {
    doc: 'live listr2 view (the default in a terminal) or plain Ansible-like lines (the default in pipes and CI)',
    readBy: 'cli/run-command.ts',
  }),
};

/** ansible.cfg settings with no flag: they reach the run through withConfig alone. */
export const CONFIG_ONLY = {
  rolesPath: setting('defaults', 'roles_path', 'ANSIBLE_ROLES_PATH', 'pathspec'),
  becomeMethod: setting('privilege_escalation', 'become_method', 'ANSIBLE_BECOME_METHOD', 'string'),
};

type Table = typeof FLAGS;
export type FlagName = keyof Table;
type RawOf<F> = F extends Flag<infer R, infer _V> ? R : never;
type ValueOf<F> = F extends Flag<infer _R, infer V> ? V : never;

/** What commander gives a command (a flag that may be absent is optional). */
export type GivenFlags = { [K in FlagName as undefined extends RawOf<Table[K]> ? K : never]?: RawOf<Table[K]> } & {
  [K in FlagName as undefined extends RawOf<Table[K]> ? never : K]: RawOf<Table[K]>;
};
/** The flags after ansible.cfg (config-flags.ts). */
export type MergedFlags = { [K in FlagName]: ValueOf<Table[K]> };

/** The table as the code that walks it sees it: the value types are each entry's own business. */
export const flagEntries = (): [FlagName, Flag<never, never>][] => Object.entries(FLAGS) as [FlagName, Flag<never, never>][];

/** Every ansible.cfg setting tsplay reads, by the name of the flag it fills. */
export const SETTINGS: Record<string, Setting> = {
  ...Object.fromEntries(flagEntries().flatMap(([name, f]) => (f.setting ? [[name, f.setting]] : []))),
  ...CONFIG_ONLY,
};

export function optionOf(f: Flag<never, never>): Option {
  const o = new Option(f.spec, f.help);
  if (f.parse) o.argParser(f.parse);
  if (f.initial !== undefined) o.default(f.initial);
  if (f.choices) o.choices(f.choices);
  if (f.hidden) o.hideHelp();
  return o;
}

/** Adds the flags a command takes, in the table's order. */
export function addFlags(c: Command, command: CommandName): Command {
  for (const [, f] of flagEntries()) if (f.commands.includes(command)) c.addOption(optionOf(f));
  return c;
}

/** The run's and the reporter's options from the flags (after ansible.cfg). */
export function mapFlags(flags: MergedFlags): { run: RunDraft; report: ReportDraft } {
  const run: RunDraft = { tags: { only: [], skip: [] }, connection: {}, checkMode: false, diff: false, forks: DEFAULT_FORKS, verbosity: 0 };
  const report: ReportDraft = { verbosity: 0, diff: false };
  for (const [name, f] of flagEntries()) {
    const v = flags[name] as never;
    f.run?.(v, run);
    f.report?.(v, report);
  }
  return { run, report };
}
