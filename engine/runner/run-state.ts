// The state of one run: per-host variables and status, the connection pool, and scopes.
import { Evaluator } from '../expressions.js';
import type { Plugins } from '../jinja/index.js';
import type { FactProvider } from '../module-api.js';
import type { ModuleRegistry } from '../module-registry.js';
import type { TagFilter } from '../playbook/tags.js';
import type { Play } from '../playbook/model.js';
import type { Reporter } from '../output/reporter.js';
import type { ConnectionDefaults } from '../connection/kind.js';
import { ConnectionPool } from './connections.js';
import { dataLayer, hostvarsMapping, type Layer, LayeredVars } from './host-vars.js';
import type { LazyMapping } from '../jinja/index.js';
import { emptyStats, type HostStats } from '../outcome.js';

/** What the runner needs of an inventory. */
export interface InventoryView {
  file: string;
  dir: string;
  select(pattern: string): string[];
  hostVars(name: string): Record<string, unknown>;
  groupMembers(): Record<string, string[]>;
}

export type StopSignal = 'SIGINT' | 'SIGTERM';

export interface RunOptions {
  /** Set (by the CLI's signal handler) when the run must stop: no new task or host starts. */
  stop?: { signal?: StopSignal };
  inventory: InventoryView;
  registry: ModuleRegistry;
  /** Facts gathered beside the engine's own (ansible_*). */
  factProviders: readonly FactProvider[];
  reporter: Reporter;
  limit?: string;
  tags: TagFilter;
  checkMode: boolean;
  diff: boolean;
  forks: number;
  extraVars: Record<string, unknown>;
  startAtTask?: string;
  become?: boolean;
  becomeUser?: string;
  becomePassword?: string;
  connection: ConnectionDefaults;
  /** Values never to print; modules' secret arguments are added as they are seen. */
  secrets: { values: string[] };
  verbosity: number;
  /** Asks a vars_prompt question on the terminal; absent when there is none (non-interactive). */
  prompt?: (question: string, secret: boolean) => Promise<string>;
  /** Verbose messages (-v). */
  log?: (message: string) => void;
}

export class HostState {
  facts: Record<string, unknown> = {};
  /** The gather_subsets already gathered this run (facts are gathered once; more subsets, once more). */
  factSubsets = new Set<string>();
  /** The last failed task here and its result: ansible_failed_task / ansible_failed_result in rescue. */
  lastFailure?: { task: Record<string, unknown>; result: Record<string, unknown> };
  /** Registered results and set_fact values: they live for the whole run. */
  hostFacts: Record<string, unknown> = {};
  /** Vars from the current play's vars_files. */
  varsFiles: Record<string, unknown> = {};
  /** include_vars: above vars_files, below set_fact; kept from play to play, as in Ansible. */
  includedVars: Record<string, unknown> = {};
  failed = false;
  unreachable = false;
  /** Changes predicted (not made) under --check so far. */
  predictedChanges = 0;
  /** meta: end_host — out of the current play. */
  ended = false;
  stats: HostStats = emptyStats();
  readonly inventoryVars: Record<string, unknown>;

  constructor(readonly name: string, inventoryVars: Record<string, unknown>) {
    this.inventoryVars = inventoryVars;
  }
}

export class RunState {
  readonly hosts = new Map<string, HostState>();
  readonly pool: ConnectionPool;
  play?: Play;
  playHosts: string[] = [];
  /** The current play's vars_prompt answers (play-vars precedence, above `vars`). */
  promptedVars: Record<string, unknown> = {};
  /** All the play's hosts, every batch. */
  playHostsAll: string[] = [];
  /** --start-at-task: the task name still awaited; tasks before it, in any play, are skipped. */
  waitingFor: string | undefined;
  private groups: Record<string, string[]>;
  private hostvars: LazyMapping;

  constructor(readonly opts: RunOptions, readonly playbookDir: string, readonly plugins?: Plugins) {
    this.waitingFor = opts.startAtTask;
    this.groups = opts.inventory.groupMembers();
    // Every inventory host, whether or not a play has reached it yet, as in Ansible.
    this.hostvars = hostvarsMapping(
      (h) => (this.host(h, false) || this.groups.all?.includes(h) ? this.scope(h) : undefined),
      () => this.groups.all ?? [...this.hosts.keys()],
    );
    this.pool = new ConnectionPool(opts.connection, (h) => this.scope(h));
  }

  host(name: string, create = true): HostState | undefined {
    let s = this.hosts.get(name);
    if (!s && create) {
      s = new HostState(name, this.opts.inventory.hostVars(name));
      this.hosts.set(name, s);
    }
    return s;
  }

  /** The layers of a host's variables at play level; task layers go between these and extra vars. */
  private layers(name: string, taskLayers: Layer[], defaults: Layer[], checkMode: boolean): Layer[] {
    const h = this.host(name)!;
    const magic: Layer = dataLayer({
      inventory_hostname: name,
      inventory_hostname_short: name.split('.')[0],
      groups: this.groups,
      hostvars: this.hostvars,
      playbook_dir: this.playbookDir,
      inventory_dir: this.opts.inventory.dir,
      inventory_file: this.opts.inventory.file,
      ansible_check_mode: checkMode,
      ansible_verbosity: this.opts.verbosity,
      ansible_play_hosts: this.playHosts,
      play_hosts: this.playHosts,
      ansible_play_batch: this.playHosts,
      ansible_play_hosts_all: this.playHostsAll,
    });
    return [...defaults, h.inventoryVars, dataLayer(h.facts), this.play?.vars ?? {}, dataLayer(this.promptedVars), h.varsFiles, h.includedVars, dataLayer(h.hostFacts), ...taskLayers, magic, this.opts.extraVars];
  }

  /**
   * A host's variables with a task's layers; `defaults` (role defaults) go below the inventory.
   * `checkMode` is the task's (engine/module/step.ts checkModeOf), for ansible_check_mode.
   */
  scope(name: string, taskLayers: Layer[] = [], defaults: Layer[] = [], checkMode = this.opts.checkMode): Evaluator {
    return new Evaluator(new LayeredVars(this.layers(name, taskLayers, defaults, checkMode)), { plugins: this.plugins, searchPath: [this.playbookDir] });
  }
}
