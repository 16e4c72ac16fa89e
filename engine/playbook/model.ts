import type { Plugins } from '../jinja/index.js';
// The loaded playbook: plays and tasks with their source positions, modules resolved and
// arguments validated. Keywords inherited from blocks and imports are already folded in
// (tags), or kept as chains evaluated at run time (when, vars, become).
import type { ModuleDefinition } from '../module-api.js';
import type { Loc } from '../yaml-source.js';

/** Settings a task inherits from its blocks, imports and play. */
export interface Inherited {
  /** Conditions of enclosing blocks and imports, outermost first. */
  when: unknown[];
  /** Variable layers of enclosing blocks and imports, outermost first. */
  vars: Record<string, unknown>[];
  /** Role defaults (below the inventory in precedence), outermost first. */
  defaults: Record<string, unknown>[];
  /** The role the task comes from, shown as `role : task` as Ansible does. */
  role?: string;
  tags: string[];
  become?: boolean;
  becomeUser?: string;
  delegateTo?: string;
  checkMode?: boolean;
  noLog?: boolean;
  ignoreErrors?: boolean;
  runOnce?: boolean;
  /** any_errors_fatal from the task, its blocks or the play. */
  anyErrorsFatal?: boolean;
  /** throttle: at most this many hosts run the task at once. */
  throttle?: number;
  /** environment layers (play, blocks, task), outermost first; merged and templated per host. */
  environment: unknown[];
}

interface TaskBase extends Inherited {
  name?: string;
  loc: Loc;
  /** The folder of the file that holds the task (for relative paths). */
  baseDir: string;
}

export interface ModuleTask extends TaskBase {
  kind: 'module';
  module: ModuleDefinition;
  /** Raw arguments, still with `{{ }}` templates. */
  args: Record<string, unknown>;
  loop?: unknown;
  /** The with_X lookup that turns the rendered `loop` term into items ('items', 'dict', …); absent for `loop:`. */
  loopWith?: string;
  /** loop_control.extended: ansible_loop with allitems, previtem, nextitem. */
  loopExtended?: boolean;
  loopVar: string;
  loopLabel?: string;
  /** loop_control.index_var: the variable holding the item's index (from 0). */
  loopIndexVar?: string;
  /** loop_control.pause: seconds between items. */
  loopPause: number;
  register?: string;
  changedWhen?: unknown;
  failedWhen?: unknown;
  until?: unknown;
  retries: number;
  delay: number;
  notify: string[];
  /** For handlers: extra names they answer to. */
  listen: string[];
}

export interface BlockTask extends TaskBase {
  kind: 'block';
  block: Task[];
  rescue: Task[];
  always: Task[];
}

/**
 * `include_tasks` whose file name is only known at run time, or `include_role` (its tasks are
 * loaded and validated with the playbook; its `when` is evaluated once per host, as in Ansible).
 */
export interface IncludeTask extends TaskBase {
  kind: 'include';
  file: string;
  tasks?: Task[];
}

export interface MetaTask extends TaskBase {
  kind: 'meta';
  action: 'flush_handlers' | 'end_play' | 'end_host' | 'noop' | 'clear_facts' | 'clear_host_errors' | 'reset_connection';
}

export type Task = ModuleTask | BlockTask | IncludeTask | MetaTask;

export interface Play {
  name: string;
  hosts: string;
  loc: Loc;
  file: string;
  baseDir: string;
  vars: Record<string, unknown>;
  varsFiles: { path: string; loc: Loc }[];
  gatherFacts: boolean;
  /** gather_subset as written (all, min, hardware, network, !x …); undefined: all. */
  gatherSubset?: string[];
  become?: boolean;
  becomeUser?: string;
  checkMode?: boolean;
  tags: string[];
  /** serial: batch sizes (numbers or 'N%'), the last repeated; empty: one batch. */
  serial: (number | string)[];
  maxFailPercentage?: number;
  anyErrorsFatal?: boolean;
  order: HostOrder;
  varsPrompt: VarsPrompt[];
  preTasks: Task[];
  tasks: Task[];
  postTasks: Task[];
  handlers: ModuleTask[];
}

export type HostOrder = 'inventory' | 'reverse_inventory' | 'sorted' | 'reverse_sorted' | 'shuffle';

/** One vars_prompt entry. */
export interface VarsPrompt {
  name: string;
  prompt: string;
  private: boolean;
  default?: string;
  confirm: boolean;
  /** passlib-style scheme for encrypt (only sha512_crypt/sha256_crypt, done by the system's crypt). */
  encrypt?: string;
  loc: Loc;
}

export interface Playbook {
  file: string;
  plays: Play[];
  /** Filters, tests and lookups: the built-ins and the playbook's own plugins. */
  plugins: Plugins;
}
