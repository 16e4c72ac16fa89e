// Runs plays with the linear strategy: a task finishes on every host (up to --forks at once)
// before the next starts. Blocks, rescue/always, handlers, includes, tags and facts live here.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConnectionError, ValidationError } from '../errors.js';
import { Evaluator, stringify } from '../expressions.js';
import { loadTasksFile } from '../playbook/load.js';
import type { BlockTask, IncludeTask, MetaTask, ModuleTask, Play, Playbook, Task } from '../playbook/model.js';
import { tagsSelect } from '../playbook/tags.js';
import { loadYamlStrict } from '../yaml-source.js';
import { factsDict, gatherFacts, selectSubsets } from './facts.js';
import { cryptPassword } from './crypt.js';
import { LayeredVars } from './host-vars.js';
import { RunState, type RunOptions, type StopSignal } from './run-state.js';
import { type HostStats, tally } from '../outcome.js';
import { runTaskOnHost } from './task-runner.js';
import { Prefetcher } from './prefetch-checks.js';

export interface RunSummary {
  stats: Map<string, HostStats>;
  failed: boolean;
  unreachable: boolean;
  /** any_errors_fatal, max_fail_percentage or a batch that failed whole stopped the run. */
  broken?: boolean;
  /** Remote commands per host (round trips). */
  roundTrips: Record<string, number>;
  /** The signal that stopped the run early. */
  interrupted?: StopSignal;
}

/**
 * Runs `fn` over the items with at most `limit` running at once, keeping order of results;
 * once `stopped()` is true no new item starts (its result stays undefined).
 */
export async function forEachLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>, stopped = () => false): Promise<(R | undefined)[]> {
  const results = new Array<R | undefined>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stopped()) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

/** Run-time include_tasks within include_tasks, at most (a file that includes itself stops here). */
export const MAX_INCLUDE_DEPTH = 100;

class PlayRunner {
  private notified = new Map<string, Set<string>>();
  private includeDepth = 0;
  /** any_errors_fatal or max_fail_percentage struck: nothing more runs in this play or after it. */
  broken = false;
  /** Hosts inside the block part of blocks that have a rescue: their failures are not final yet. */
  private rescuable: Set<string>[] = [];
  /** meta: end_play ran: no later batch of this play starts (the next play does). */
  endedPlay = false;
  /** The hosts of this batch (all the play's hosts without serial). */
  private batch: string[] = [];

  private readonly prefetcher: Prefetcher;

  constructor(private run: RunState, private play: Play) {
    this.prefetcher = new Prefetcher(run);
  }

  private get reporter() {
    return this.run.opts.reporter;
  }

  /** The hosts that go on; none once the run is asked to stop (SIGINT/SIGTERM). */
  private active(hosts: string[]): string[] {
    if (this.run.opts.stop?.signal || this.broken) return [];
    return hosts.filter((h) => {
      const s = this.run.host(h)!;
      return !s.failed && !s.unreachable && !s.ended;
    });
  }

  async runPlay(hosts: string[]): Promise<void> {
    const { run, play } = this;
    run.play = play;
    run.playHosts = hosts;
    this.batch = hosts;
    this.reporter.play(play.name, hosts);
    for (const h of hosts) {
      const s = run.host(h)!;
      s.ended = false;
      s.varsFiles = {};
    }
    await this.loadVarsFiles(hosts);
    if (play.gatherFacts) await this.gather(hosts);
    for (const section of [play.preTasks, play.tasks, play.postTasks]) {
      await this.runList(section, this.active(hosts));
      await this.flushHandlers(hosts);
    }
  }

  /**
   * vars_files, read per host when the play starts. A file that is missing or bad there (its
   * name may be templated per host) fails that host only, as in Ansible.
   */
  private async loadVarsFiles(hosts: string[]): Promise<void> {
    const failed = new Set<string>();
    for (const vf of this.play.varsFiles) {
      for (const h of hosts.filter((x) => !failed.has(x))) {
        try {
          // A templated name is only known now; like the others it is relative to the playbook.
          const path = vf.path.includes('{{') ? resolve(this.play.baseDir, stringify(this.run.scope(h).render(vf.path))) : vf.path;
          if (!existsSync(path)) throw new ValidationError([{ ...vf.loc, message: `vars file not found: ${path}` }]);
          const data = loadYamlStrict(path);
          if (data !== null && (typeof data !== 'object' || Array.isArray(data))) {
            throw new ValidationError([{ ...vf.loc, message: `vars file ${path} must hold a mapping` }]);
          }
          Object.assign(this.run.host(h)!.varsFiles, data ?? {});
        } catch (e) {
          this.failHost(h, e, failed);
        }
      }
    }
  }

  private async gather(hosts: string[]): Promise<void> {
    const want = selectSubsets(this.play.gatherSubset);
    const todo = this.active(hosts).filter((h) => [...want].some((x) => !this.run.host(h)!.factSubsets.has(x)));
    if (!todo.length) return;
    await this.reporter.task('Gathering Facts', 'facts', todo);
    await forEachLimited(todo, this.run.opts.forks, async (h) => {
      const s = this.run.host(h)!;
      const t0 = Date.now();
      try {
        const conn = await this.run.pool.get(h);
        const facts = { ...s.facts, ...(await gatherFacts(conn, this.run.opts.factProviders, want)) };
        delete facts.ansible_facts;
        // Ansible's dictionary beside the ansible_* names: the same facts, keys without the prefix.
        s.facts = { ...facts, ansible_facts: factsDict(facts) };
        for (const x of want) s.factSubsets.add(x);
        tally(s.stats, 'ok');
        this.reporter.outcome({ host: h, status: 'ok', durationMs: Date.now() - t0 });
      } catch (e) {
        if (!(e instanceof ConnectionError)) throw e;
        s.unreachable = true;
        tally(s.stats, 'unreachable');
        this.reporter.outcome({ host: h, status: 'unreachable', message: e.reason, durationMs: Date.now() - t0 });
      }
    });
    await this.reporter.taskDone();
  }

  /** Runs a task list on the hosts; returns the hosts that failed in it. */
  private async runList(tasks: Task[], hosts: string[]): Promise<Set<string>> {
    const failed = new Set<string>();
    for (const [index, task] of tasks.entries()) {
      const live = this.active(hosts).filter((h) => !failed.has(h));
      if (!live.length) break;
      const unreachableBefore = new Set(live.filter((h) => this.run.host(h)!.unreachable));
      let f: Set<string>;
      switch (task.kind) {
        case 'block':
          f = await this.runBlock(task, live);
          break;
        case 'include':
          f = await this.runInclude(task, live);
          break;
        case 'meta':
          f = await this.runMeta(task, live);
          break;
        case 'module':
          f = await this.runModuleTask(task, live, 'task', { tasks, index });
          break;
      }
      // As in Ansible, hosts that failed earlier in this list go on after clear_host_errors.
      if (task.kind === 'meta' && task.action === 'clear_host_errors' && f.size === 0) failed.clear();
      for (const h of f) failed.add(h);
      this.afterTask(task, live, f, unreachableBefore);
    }
    return failed;
  }

  private held(h: string): boolean {
    return this.rescuable.some((s) => s.has(h));
  }

  /**
   * Ansible's checks after each task: with any_errors_fatal (or run_once) a final failure or an
   * unreachable host ends the play for all; more than max_fail_percentage of the batch failed
   * does too. The play's remaining hosts are then failed (without a failed task in the recap).
   */
  private afterTask(task: Task, live: string[], failedNow: Set<string>, unreachableBefore: Set<string>): void {
    if (this.broken) return;
    const final = [...failedNow].filter((h) => !this.held(h));
    const lost = live.filter((h) => this.run.host(h)!.unreachable && !unreachableBefore.has(h));
    const fatal = task.kind !== 'block' && !task.ignoreErrors && (task.anyErrorsFatal || (task.kind === 'module' && task.runOnce));
    let why: string | undefined;
    if (fatal && (final.length || lost.length)) why = `any_errors_fatal: ${[...final, ...lost].join(', ')} failed`;
    const pct = this.run.play?.maxFailPercentage;
    if (!why && pct !== undefined) {
      const failedHosts = this.batch.filter((h) => this.run.host(h)!.failed && !this.held(h)).length;
      if ((failedHosts / this.batch.length) * 100 > pct) why = `max_fail_percentage ${pct}%: ${failedHosts} of ${this.batch.length} hosts failed`;
    }
    if (!why) return;
    for (const h of this.batch) {
      const s = this.run.host(h)!;
      if (!s.unreachable) s.failed = true;
    }
    this.broken = true;
    this.reporter.warning(`${why}; NO MORE HOSTS LEFT`);
  }

  private async runBlock(block: BlockTask, hosts: string[]): Promise<Set<string>> {
    const failedBefore = new Map(hosts.map((h) => [h, this.run.host(h)!.stats.failed]));
    const held = new Set(block.rescue.length ? hosts : []);
    this.rescuable.push(held);
    let inBlock: Set<string>;
    try {
      inBlock = await this.withFailuresHeld(hosts, () => this.runList(block.block, hosts));
    } finally {
      this.rescuable.pop();
    }
    let failed = inBlock;
    if (inBlock.size && block.rescue.length) {
      const rescuing = [...inBlock];
      // As in Ansible, a failure that goes to rescue counts as rescued, not failed, in the
      // recap (a failure inside rescue then counts for itself).
      for (const h of rescuing) {
        const s = this.run.host(h)!;
        s.stats.rescued++;
        s.stats.failed = failedBefore.get(h)!;
        // As Ansible: set for the rest of the run (its non-persistent facts), the latest failure wins.
        if (s.lastFailure) Object.assign(s.hostFacts, { ansible_failed_task: s.lastFailure.task, ansible_failed_result: s.lastFailure.result });
      }
      failed = await this.withFailuresHeld(rescuing, () => this.runList(block.rescue, rescuing));
    }
    const alwaysFailed = block.always.length ? await this.withFailuresHeld(hosts, () => this.runList(block.always, hosts)) : new Set<string>();
    const all = new Set([...failed, ...alwaysFailed]);
    for (const h of all) this.run.host(h)!.failed = true;
    return all;
  }

  /**
   * Inside a block a failure is not final until rescue had its chance: failed hosts are
   * marked failed while the part runs (so they skip its later tasks), then unmarked.
   */
  private async withFailuresHeld(hosts: string[], part: () => Promise<Set<string>>): Promise<Set<string>> {
    const failed = await part();
    for (const h of hosts) {
      const s = this.run.host(h)!;
      if (failed.has(h)) s.failed = false;
    }
    return failed;
  }

  private async runInclude(task: IncludeTask, hosts: string[]): Promise<Set<string>> {
    const byFile = new Map<string, string[]>();
    const failed = new Set<string>();
    for (const h of hosts) {
      const ev = this.run.scope(h, task.vars, task.defaults);
      try {
        if (!ev.test(task.when)) continue;
        const file = task.tasks ? task.file : stringify(ev.render(task.file));
        byFile.set(file, [...(byFile.get(file) ?? []), h]);
      } catch (e) {
        this.failHost(h, e, failed);
      }
    }
    for (const [file, hs] of byFile) {
      if (this.includeDepth >= MAX_INCLUDE_DEPTH) {
        const e = new Error(`include_tasks nested more than ${MAX_INCLUDE_DEPTH} deep (${file} at ${task.loc.file}:${task.loc.line}): does it include itself?`);
        for (const h of hs) this.failHost(h, e, failed);
        continue;
      }
      let tasks: Task[];
      try {
        tasks = task.tasks ?? (await loadTasksFile(file, task.baseDir, { ...task, when: [] }, this.run.opts.registry));
      } catch (e) {
        // A bad file chosen at run time fails the hosts that chose it, not the run (Ansible's way).
        if (!(e instanceof ValidationError)) throw e;
        for (const h of hs) this.failHost(h, e, failed);
        continue;
      }
      this.includeDepth++;
      try {
        for (const h of await this.runList(tasks, hs)) failed.add(h);
      } finally {
        this.includeDepth--;
      }
    }
    return failed;
  }

  /** A host fails outside a module task (a condition or a file name that cannot be evaluated). */
  private failHost(h: string, e: unknown, failed: Set<string>, task?: Task): void {
    this.reporter.outcome({ host: h, status: 'failed', message: (e as Error).message, durationMs: 0 });
    this.run.host(h)!.lastFailure = { task: task ? failedTask(task) : {}, result: { failed: true, msg: (e as Error).message } };
    tally(this.run.host(h)!.stats, 'failed');
    this.run.host(h)!.failed = true;
    failed.add(h);
  }

  private async runMeta(task: MetaTask, hosts: string[]): Promise<Set<string>> {
    const failed = new Set<string>();
    if (this.beforeStart(task)) return failed;
    const live = hosts.filter((h) => {
      try {
        return this.run.scope(h, task.vars, task.defaults).test(task.when);
      } catch (e) {
        this.failHost(h, e, failed);
        return false;
      }
    });
    switch (task.action) {
      case 'flush_handlers':
        await this.flushHandlers(live);
        break;
      case 'end_play':
        // As in Ansible: the play ends for every host when the condition holds for one.
        if (live.length) {
          for (const h of this.run.playHosts) this.run.host(h)!.ended = true;
          this.endedPlay = true;
        }
        break;
      case 'end_host':
        for (const h of live) this.run.host(h)!.ended = true;
        break;
      case 'clear_facts':
        for (const h of live) Object.assign(this.run.host(h)!, { facts: {}, factSubsets: new Set(), hostFacts: {} });
        break;
      case 'clear_host_errors':
        // Every host of the play, when the condition holds (as Ansible does it).
        if (live.length) {
          for (const h of this.run.playHosts) {
            const s = this.run.host(h)!;
            s.failed = false;
            s.unreachable = false;
          }
        }
        break;
      case 'reset_connection':
        // The next command to each host opens a new connection (new group memberships, say).
        await Promise.all(live.map((h) => this.run.pool.reset(h)));
        break;
      case 'noop':
        break;
    }
    return failed;
  }

  /** --start-at-task: true for every task (of any play) before the named one. */
  private beforeStart(task: ModuleTask | MetaTask): boolean {
    if (this.run.waitingFor === undefined) return false;
    if (task.name !== this.run.waitingFor) return true;
    this.run.waitingFor = undefined;
    return false;
  }

  private selected(task: ModuleTask): boolean {
    return !this.beforeStart(task) && tagsSelect(task.tags, this.run.opts.tags);
  }

  private title(task: ModuleTask, hosts: string[]): string {
    const role = task.role ? `${task.role} : ` : '';
    if (!task.name) return role + task.module.name;
    if (!task.name.includes('{{')) return role + task.name;
    try {
      return role + stringify(this.run.scope(hosts[0]!, task.vars, task.defaults).render(task.name));
    } catch {
      return role + task.name;
    }
  }

  private async runModuleTask(task: ModuleTask, hosts: string[], kind: 'task' | 'handler' = 'task', at?: { tasks: Task[]; index: number }): Promise<Set<string>> {
    if (kind === 'task' && !this.selected(task)) return new Set();
    const once = task.runOnce || task.module.runOnce === true;
    const targets = once ? hosts.slice(0, 1) : hosts;
    await this.reporter.task(this.title(task, hosts), kind, targets);
    const results = await forEachLimited(
      targets,
      Math.min(this.run.opts.forks, task.throttle ?? Infinity),
      async (h) => {
        if (at) await this.prefetcher.before(at.tasks, at.index, h);
        return runTaskOnHost(this.run, task, h);
      },
      () => !!this.run.opts.stop?.signal,
    );
    const failed = new Set<string>();
    targets.forEach((h, i) => {
      const r = results[i];
      if (!r) return; // not started: the run is stopping
      const s = this.run.host(h)!;
      if (r.status === 'unreachable') s.unreachable = true;
      else if (r.status === 'failed') {
        s.failed = true;
        failed.add(h);
        s.lastFailure = { task: failedTask(task), result: r.result };
      }
      if (r.notify) for (const n of task.notify) this.notify(n, h);
    });
    const r = results[0];
    if (once && r) {
      // As in Ansible, a run_once result applies to every host of the play.
      for (const h of hosts.slice(1)) {
        if (task.register) this.run.host(h)!.hostFacts[task.register] = r.result;
        if (r.notify) for (const n of task.notify) this.notify(n, h);
      }
    }
    await this.reporter.taskDone();
    return failed;
  }

  private notify(name: string, host: string): void {
    const known = this.play.handlers.some((hd) => hd.name === name || hd.listen.includes(name));
    if (!known) {
      this.reporter.warning(`no handler named '${name}' in play '${this.play.name}'`);
      return;
    }
    let set = this.notified.get(name);
    if (!set) this.notified.set(name, (set = new Set()));
    set.add(host);
  }

  /**
   * Each handler runs once, in definition order, on the hosts that notified its name or one of its
   * listen topics: every handler listening to a topic runs, not only the first. A handler that an
   * earlier one of this flush notifies runs in it too; one defined earlier waits for the next flush.
   */
  private async flushHandlers(hosts: string[]): Promise<void> {
    const handlers = this.play.handlers;
    const names = handlers.map((hd) => [hd.name, ...hd.listen].filter((n): n is string => !!n));
    const merge = (into: Map<string, Set<string>>, name: string, set: Set<string>) => into.set(name, new Set([...(into.get(name) ?? []), ...set]));
    const pending = new Map<string, Set<string>>();
    const nextFlush = new Map<string, Set<string>>();
    // Notifications raised by handlers 0..i-1 for one of them wait for the next flush.
    const takeNotified = (i: number) => {
      for (const [name, set] of this.notified) {
        merge(pending, name, set);
        if (names.slice(0, i).some((ns) => ns.includes(name))) merge(nextFlush, name, set);
      }
      this.notified.clear();
    };
    for (const [i, handler] of handlers.entries()) {
      takeNotified(i);
      const want = new Set(names[i]!.flatMap((n) => [...(pending.get(n) ?? [])]));
      const targets = this.active(hosts).filter((h) => want.has(h));
      if (targets.length) await this.runModuleTask(handler, targets, 'handler');
    }
    takeNotified(handlers.length);
    this.notified = nextFlush;
  }
}

/** Runs every play of a validated playbook. */
export async function runPlaybook(playbook: Playbook, opts: RunOptions): Promise<RunSummary> {
  const { dirname } = await import('node:path');
  const run = new RunState(opts, dirname(playbook.file), playbook.plugins);
  const started = Date.now();
  const limit = opts.limit ? new Set(opts.inventory.select(opts.limit)) : undefined;
  const played = new Set<string>();
  checkPromptsAnswerable(playbook, opts);
  let roundTrips: Record<string, number> = {};
  let broken = false;
  try {
    for (const play of playbook.plays) {
      if (opts.stop?.signal) break;
      const pattern = stringify(new Evaluator(new LayeredVars([opts.extraVars]), { plugins: playbook.plugins }).render(play.hosts));
      let hosts = opts.inventory.select(pattern);
      if (limit) hosts = hosts.filter((h) => limit.has(h));
      hosts = hosts.filter((h) => {
        const s = run.host(h)!;
        return !s.failed && !s.unreachable;
      });
      if (!hosts.length) {
        opts.reporter.play(play.name, []);
        opts.reporter.warning(`no hosts matched '${pattern}'${opts.limit ? ` with --limit ${opts.limit}` : ''}; skipping play`);
        continue;
      }
      // A layer of its own above the play's vars: answers are what the person typed, not templates.
      run.promptedVars = await promptVars(play, opts);
      const ordered = orderHosts(hosts, play.order);
      const sizes = play.serial.map((x) => (typeof x === 'string' && x.includes('{{') ? stringify(new Evaluator(new LayeredVars([opts.extraVars])).render(x)) : x));
      run.playHostsAll = ordered;
      for (const batch of serialBatches(ordered, sizes)) {
        if (opts.stop?.signal) break;
        for (const h of batch) played.add(h);
        const runner = new PlayRunner(run, play);
        await runner.runPlay(batch);
        // As ansible-playbook: a batch that failed whole, or a play broken by any_errors_fatal
        // or max_fail_percentage, ends the run (no later batch, no later play).
        if (runner.broken || batch.every((h) => run.host(h)!.failed || run.host(h)!.unreachable)) {
          broken = true;
          break;
        }
        if (runner.endedPlay) break;
      }
      if (broken) break;
    }
  } finally {
    roundTrips = await run.pool.roundTrips();
    await run.pool.closeAll();
  }
  const stats = new Map<string, HostStats>();
  for (const [h, s] of run.hosts) if (played.has(h)) stats.set(h, s.stats);
  if (opts.stop?.signal) opts.reporter.warning(`${opts.stop.signal}: the run stopped; the tasks that were running finished, no other task was started`);
  opts.reporter.recap(stats, Date.now() - started);
  const all = [...stats.values()];
  return {
    stats,
    failed: all.some((s) => s.failed > 0) || [...played].some((h) => run.host(h)!.failed),
    broken,
    unreachable: all.some((s) => s.unreachable > 0),
    roundTrips,
    interrupted: opts.stop?.signal,
  };
}

/** The play's hosts in its `order`. */
export function orderHosts(hosts: string[], order: Play['order']): string[] {
  switch (order) {
    case 'inventory':
      return hosts;
    case 'reverse_inventory':
      return [...hosts].reverse();
    case 'sorted':
      return [...hosts].sort();
    case 'reverse_sorted':
      return [...hosts].sort().reverse();
    case 'shuffle': {
      const out = [...hosts];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    }
  }
}

/**
 * Ansible's batches: each serial entry a count or a percentage of all the play's hosts (at
 * least 1), the last entry repeated until the hosts run out; no serial (or 0) is one batch.
 */
export function serialBatches(hosts: string[], serial: readonly (number | string)[]): string[][] {
  if (!serial.length) return hosts.length ? [hosts] : [];
  const left = [...hosts];
  const out: string[][] = [];
  for (let i = 0; left.length; i = Math.min(i + 1, serial.length - 1)) {
    const v = serial[i]!;
    const text = String(v).trim();
    const size = text.endsWith('%') ? Math.trunc((Number.parseInt(text, 10) / 100) * hosts.length) || 1 : Math.trunc(Number(text));
    if (!Number.isFinite(size)) throw new ValidationError([{ file: '', line: 0, col: 0, message: `serial: '${text}' is not a number of hosts or a percentage` }]);
    if (size <= 0) {
      out.push(left.splice(0));
      break;
    }
    out.push(left.splice(0, size));
  }
  return out;
}

/** Without a terminal, every vars_prompt needs a default or an extra var: found before any play runs. */
function checkPromptsAnswerable(playbook: Playbook, opts: RunOptions): void {
  if (opts.prompt) return;
  const problems = playbook.plays.flatMap((p) =>
    p.varsPrompt
      .filter((v) => v.default === undefined && !(v.name in opts.extraVars))
      .map((v) => ({ ...v.loc, message: `vars_prompt '${v.name}': no terminal to ask on and no default`, hint: `give it with -e ${v.name}=VALUE (or run from a terminal)` })),
  );
  if (problems.length) throw new ValidationError(problems);
}

/** Asks the play's vars_prompt questions (an extra var of the same name wins, unasked); private answers are secrets. */
async function promptVars(play: Play, opts: RunOptions): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const p of play.varsPrompt) {
    if (p.name in opts.extraVars) continue;
    let value: string;
    if (!opts.prompt) value = p.default!;
    else {
      const q = `${p.prompt}${p.default !== undefined ? ` [${p.default}]` : ''}: `;
      for (let attempt = 1; ; attempt++) {
        value = await opts.prompt(q, p.private);
        if (value === '' && p.default !== undefined) value = p.default;
        if (!p.confirm) break;
        const again = await opts.prompt(`confirm ${q}`, p.private);
        if (again === value || (again === '' && p.default !== undefined && value === p.default)) break;
        if (attempt >= 3) throw new ValidationError([{ ...p.loc, message: `vars_prompt '${p.name}': the values entered did not match` }]);
        opts.reporter.warning('***** VALUES ENTERED DO NOT MATCH ****');
      }
    }
    if (p.private && value && !opts.secrets.values.includes(value)) opts.secrets.values.push(value);
    if (p.encrypt) {
      value = cryptPassword(value, p.encrypt);
      if (p.private) opts.secrets.values.push(value);
    }
    out[p.name] = value;
  }
  return out;
}

/** ansible_failed_task: what Ansible's serialized task shows that tsplay has. */
function failedTask(task: Task): Record<string, unknown> {
  const action = task.kind === 'module' ? task.module.name : task.kind === 'include' ? 'include_tasks' : task.kind;
  return { name: task.name ?? '', action, ...(task.kind === 'module' ? { args: task.args } : {}), role: task.role ?? '', path: `${task.loc.file}:${task.loc.line}` };
}
