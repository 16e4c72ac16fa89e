// The contract between the runner and a module. A module's logic runs in the tsplay process;
// the remote host only runs POSIX sh commands that the module sends through `ctx`.

import type { Section } from './shell.js';

/** The outcome of one remote command. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code; -1 when the command was killed by a signal. */
  code: number;
  /**
   * Bytes cut from the middle of each stream (see ExecOptions.maxOutput); the text then holds
   * a line saying so where they were.
   */
  cut?: { stdout: number; stderr: number };
}

export interface ExecOptions {
  /** Data written to the command's standard input (then closed). */
  stdin?: string | Buffer;
  /** Run through sudo/su as `becomeUser` (default: the task's become settings). */
  become?: boolean;
  becomeUser?: string;
  /** Values to redact from errors that quote the command or its output. */
  secrets?: string[];
  /**
   * Bytes kept of stdout and of stderr: the first and the last half, the middle cut and
   * counted (default 2 MiB, so that a command printing gigabytes keeps memory flat; `run`
   * defaults to 256 MiB and fails when it would cut). Infinity keeps everything.
   */
  maxOutput?: number;
}

/** A way to run commands on one host: `local`, `ssh`, or a test fake. */
export interface Connection {
  readonly host: string;
  /** The user it logs in as, where known (for messages such as a refused sudo password). */
  readonly user?: string;
  /** How many remote commands (round trips) this connection has run. */
  readonly roundTrips: number;
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /**
   * Runs a command as `become.user` the connection's own way (the ssh connection keeps a shell
   * per become user). Without it, the runner wraps each command in sudo; a wrapper that does not
   * pass it on simply gets that. `opts.become`/`becomeUser` are already resolved into `become`.
   */
  execAs?(become: { user: string; password?: string }, command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Ends the connection. `reset` (meta: reset_connection) also ends what it keeps beyond the run. */
  close(opts?: { reset?: boolean }): Promise<void>;
}

/** "No change", always with the reason why nothing needs doing. */
export interface NoChange {
  changed: false;
  reason: string;
  /** Values for `register` (merged into the task result). */
  result?: Record<string, unknown>;
  /** Host variables to set (set_fact and friends). */
  facts?: Record<string, unknown>;
  /**
   * Variables loaded from files (include_vars): they rank above vars_files and below set_fact,
   * and are templated when used, as vars files are.
   */
  vars?: Record<string, unknown>;
  /** Text always shown to the person running the playbook (debug). */
  output?: string;
}

/** One file whose content would change. */
export interface FileDiff {
  path: string;
  before: string;
  after: string;
}

/**
 * What kind of change a check found. create / modify / remove (the default: modify) are states
 * the check reads back, so the step re-checks after apply and a change that did not take is an
 * error. `run` is an action whose effect cannot be read back (run a command, restart a service):
 * no re-check.
 */
export type ChangeKind = 'create' | 'modify' | 'remove' | 'run';

/** "Change", with what would change; the plan is handed back to `apply`. */
export interface Change<P = unknown> {
  changed: true;
  /** What the change does, said the same way in a dry run and a real one ("create it", "run: ls"). */
  description: string;
  kind?: ChangeKind;
  diffs?: FileDiff[];
  /** Module-private data computed by check and used by apply. */
  plan?: P;
  result?: Record<string, unknown>;
}

export type CheckResult<P = unknown> = NoChange | Change<P>;

export interface ApplyResult {
  /** Values for `register`, such as stdout/rc of a command. */
  result?: Record<string, unknown>;
  facts?: Record<string, unknown>;
}

export interface WriteFileOptions {
  owner?: string;
  group?: string;
  /** Octal string such as "0644"; when unset an existing file keeps its mode (new file: 0644). */
  mode?: string;
  /** Keep a timestamped copy of the old file beside it. Returns its path. */
  backup?: boolean;
  /** A command run on the new content before it replaces the target; `%s` is the temp file. */
  validate?: string;
  /** Write to a symlink's target instead of replacing the link with a file (default false). */
  follow?: boolean;
}

/** Running commands on one host, as a module does: become applied, secrets redacted. */
export interface HostCommands {
  readonly host: string;
  /** Runs one remote command; never throws for a non-zero exit. */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Runs one remote command and returns stdout; throws CommandError on a non-zero exit. */
  run(command: string, opts?: ExecOptions): Promise<string>;
}

/** What a module sees of the host it runs on. */
export interface ModuleContext {
  readonly host: string;
  /** The host's variables (facts included), read-only. */
  readonly vars: Readonly<Record<string, unknown>>;
  readonly checkMode: boolean;
  /** The folder of the playbook file that holds the task, for relative `src` paths. */
  readonly baseDir: string;
  /** Runs one remote command; never throws for a non-zero exit. */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Runs one remote command and returns stdout; throws CommandError on a non-zero exit. */
  run(command: string, opts?: ExecOptions): Promise<string>;
  /**
   * Writes a file atomically (temp file beside the target, renamed only once the whole content
   * arrived and its checksum matched), keeping owner, mode and POSIX ACL. A link at the path is
   * replaced by the file unless `follow` (it may have been planted by the file's future owner).
   */
  writeFile(path: string, content: string | Buffer, opts?: WriteFileOptions): Promise<{ backup?: string }>;
  /**
   * Another host of the inventory, for modules that act on two hosts (keys, base backups): its
   * commands run with the task's become (or `becomeUser`) and its errors are redacted, as here.
   */
  connectionTo(host: string): Promise<HostCommands>;
  /**
   * Closes this host's connection and opens a new one (wait_for_connection, after a reboot):
   * its commands as `exec`/`run` here. Absent where there is no connection pool (test fakes).
   */
  reconnect?(): Promise<HostCommands>;
  /** Verbose log line (shown with -v). */
  log(message: string): void;
  /** Evaluates a bare Jinja2 expression over the host's variables, as `when:` does. */
  evaluate(expression: string): unknown;
  /** Renders a Jinja2 template file over the host's variables (the template module). */
  renderTemplate(text: string, path: string): string;
}

/** A JSON schema object (draft-07) as given to ajv. */
export type JsonSchema = Record<string, unknown>;

export interface ModuleDefinition<A = any, P = any> {
  name: string;
  /** One line for listings. */
  summary: string;
  /** Longer documentation for `tsplay doc`. */
  description?: string;
  /** JSON schema of the arguments: `additionalProperties: false`, defaults filled in by ajv. */
  schema: JsonSchema;
  /** Argument names whose values are secret: never printed, redacted from errors. */
  secrets?: string[];
  /** Alternative argument names, as Ansible's (`dest` → `path`). */
  aliases?: Record<string, string>;
  /**
   * Ansible's names for this module, short or fully qualified (`lineinfile`,
   * `ansible.builtin.lineinfile`): tasks and `tsplay doc` find the module by them too.
   */
  ansibleNames?: readonly string[];
  /** For a module given a `k=v` string or a bare string: the argument that takes free text. */
  freeForm?: string;
  /** Runs on the controller only: no connection is opened for it. */
  controllerOnly?: boolean;
  /** Runs once for all the play's hosts, as if `run_once` were set (pause). */
  runOnce?: boolean;
  /** Arguments that hold bare Jinja2 expressions (assert's `that`): compiled at load time like `when:`. */
  expressionArgs?: string[];
  /**
   * The check only reads state that stays as it is while nothing changes the host (files,
   * packages, rules; not a port that is coming up, not the clock): the runner may then read its
   * declared `probes` ahead, in one round trip with those of the tasks around it, and hand the
   * check the results. Outcomes are the same either way (engine/runner/prefetch-checks.ts).
   */
  speculative?: boolean;
  /** Example YAML for `tsplay doc`. */
  examples?: string;
  /**
   * A module named like a bundled one replaces it only when it says so (else it is a load error).
   */
  overrides?: boolean;
  /**
   * Why the state still differs after apply, in the module's words (the step's default names
   * the change and what the re-check still reports).
   */
  notConverged?(args: A, change: Change<P>, again: Change<P>): string;
  /**
   * What the check reads, declared as probes (engine/module/probe.ts: a read-only sh command and
   * its parser). The step runs them in one round trip and hands `check` the parsed values, key
   * by key; being values, the probes of several tasks can travel together.
   */
  probes?(args: A): ProbeSet;
  check(ctx: ModuleContext, args: A, probed: Record<string, unknown>): Promise<CheckResult<P>>;
  apply(ctx: ModuleContext, args: A, plan: Change<P>): Promise<ApplyResult | void>;
}

/** Identity helper that gives a module definition its types. */
export function defineModule<A, P = unknown>(def: ModuleDefinition<A, P>): ModuleDefinition<A, P> {
  return def;
}

/** What a probe printed (stdout and stderr together) and its exit status. */
export type ProbeOutput = Section;

/** A read: a sh command and the parser of its output (engine/module/probe.ts runs a set of them in one script). */
export interface Probe<T> {
  /** A read-only sh command; it runs in a subshell of its own, so `exit` ends only this probe. */
  readonly command: string;
  readonly parse: (o: ProbeOutput) => T;
  /** Run as this user (through become) instead of the task's become user: postgres for psql. */
  readonly becomeUser?: string;
}

export type ProbeSet = Record<string, Probe<unknown>>;

/** Facts that come with modules (PostgreSQL's with the PostgreSQL modules), gathered with the engine's own in the same round trip. */
export interface FactProvider {
  /** Names this provider's probes in the shared script. */
  readonly name: string;
  /** The gather_subset it belongs to; 'min' (the default) is always gathered. */
  readonly subset?: FactSubset;
  readonly probes: ProbeSet;
  facts(probed: Record<string, unknown>): Record<string, unknown>;
}

export type FactSubset = 'min' | 'network' | 'hardware';
