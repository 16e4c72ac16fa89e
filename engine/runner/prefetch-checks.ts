// Speculative batched checks. Checks only read, and a speculative module declares what its check
// reads (probes: engine/module/probe.ts), so the reads of several consecutive tasks on a host can
// travel in one round trip before those tasks run: for each task of the window the read-ahead
// renders its arguments and takes the probe scripts its step would send (probesOf, probeCommands,
// through the task's own context: become and environment included); the scripts of all of them
// travel together (PrefetchingConnection.prefetch) and wait there for the real checks, which then
// run as usual and find their reads already done. A task that changes the host (an apply), or any
// command the read-ahead did not foresee, drops what is waiting, and the next task reads ahead
// afresh: the outcomes are those of a run without batching, only the round trips differ.
//
// A window of tasks ends before anything whose outcome could change what a later task reads
// or renders: a task that is not a speculative module, a loop, delegate_to, run_once, until,
// and right after a task that registers a result.
import type { Connection, ExecOptions, ExecResult } from '../module-api.js';
import type { ModuleTask, Task } from '../playbook/model.js';
import { tagsSelect } from '../playbook/tags.js';
import { PrefetchingConnection } from '../connection/prefetch.js';
import type { BatchCommand } from '../connection/batch-script.js';
import type { RunState } from './run-state.js';
import { prepareTask, taskCheckMode } from './task-runner.js';
import { probesOf } from '../module/step.js';
import { probeCommands } from '../module/probe.js';

/** The most tasks read ahead in one round trip. */
export const BATCH_TASKS = 64;

/** The tasks read ahead together with `tasks[i]` (empty when that task is not readable ahead). */
export function batchWindow(run: RunState, tasks: Task[], i: number, limit = BATCH_TASKS): ModuleTask[] {
  const out: ModuleTask[] = [];
  for (let j = i; j < tasks.length && out.length < limit; j++) {
    const t = tasks[j]!;
    if (t.kind !== 'module' || !t.module.speculative) break;
    if (t.loop !== undefined || t.delegateTo !== undefined || t.runOnce || t.until !== undefined) break;
    if (tagsSelect(t.tags, run.opts.tags)) out.push(t);
    if (t.register) break;
  }
  return out;
}

/**
 * Takes down the commands a context sends, as they would reach the host (become and environment
 * applied), and answers none of them: the read-ahead learns what a task's probes will send.
 */
class CommandRecorder implements Connection {
  readonly roundTrips = 0;
  readonly sent: BatchCommand[] = [];
  /** As the host's connection has it, so that the context sends what it will send there. */
  readonly execAs?: Connection['execAs'];

  constructor(readonly host: string, like: Connection) {
    if (like.execAs) this.execAs = async (as, command, opts = {}) => this.record({ command, stdin: opts.stdin, as });
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.record({ command, stdin: opts.stdin });
  }

  private record(c: BatchCommand): ExecResult {
    this.sent.push(c);
    return { stdout: '', stderr: '', code: 0 };
  }

  async close(): Promise<void> {}
}

interface HostReadAhead {
  /** The tasks the waiting results were read for, and the connection's state then. */
  tasks: Set<ModuleTask>;
  generation: number;
  served: number;
}

/**
 * Per host: what was read ahead last, and how far to read next. The window starts wide; a change
 * (which drops what is waiting) narrows it to 2, and each window used up doubles it again, so a
 * run that changes every task reads few checks it cannot use. A host where two read-aheads in
 * a row served nothing is read no more.
 */
export class Prefetcher {
  private last = new Map<string, HostReadAhead>();
  private size = new Map<string, number>();
  private wasted = new Map<string, number>();

  constructor(private readonly run: RunState) {}

  /**
   * Before `tasks[i]` runs on `host`: unless its read is already waiting, reads ahead the
   * probes of its window in one round trip.
   */
  async before(tasks: Task[], i: number, host: string): Promise<void> {
    if ((this.wasted.get(host) ?? 0) >= 2) return;
    const t = tasks[i]!;
    if (t.kind !== 'module' || !t.module.speculative) return;
    const conn = await this.run.pool.get(host).catch(() => undefined);
    if (!(conn instanceof PrefetchingConnection)) return;
    const last = this.last.get(host);
    let size = this.size.get(host) ?? BATCH_TASKS;
    if (last) {
      if (last.generation === conn.generation && conn.pending > 0 && last.tasks.has(t)) return;
      if (last.generation !== conn.generation) size = 2;
      else size = Math.min(BATCH_TASKS, size * 2);
      this.wasted.set(host, conn.served === last.served ? (this.wasted.get(host) ?? 0) + 1 : 0);
      this.last.delete(host);
    }
    this.size.set(host, size);
    const window = batchWindow(this.run, tasks, i, size);
    if (window.length < 2) return;
    const commands: BatchCommand[] = [];
    const read: ModuleTask[] = [];
    for (const t of window) {
      const c = await this.probeCommands(t, host, conn);
      if (!c.length) continue;
      commands.push(...c);
      read.push(t);
    }
    if (read.length < 2) return;
    const kept = await conn.prefetch(commands);
    if ((this.run.opts.verbosity ?? 0) >= 3) {
      const names = read.map((t) => `'${t.name ?? t.module.name}'`).join(', ');
      this.run.opts.log?.(`${host}: batch: the probes of ${read.length} checks read ahead in one round trip (${kept} of ${commands.length} scripts kept: ${names})`);
    }
    this.last.set(host, { tasks: new Set(window), generation: conn.generation, served: conn.served });
  }

  /** The commands the task's step would send on the host now to read its declared probes. */
  private async probeCommands(task: ModuleTask, host: string, conn: Connection): Promise<BatchCommand[]> {
    const recorder = new CommandRecorder(host, conn);
    try {
      const ev = this.run.scope(host, task.vars, task.defaults, taskCheckMode(this.run, task));
      if (!ev.test(task.when)) return [];
      const prepared = await prepareTask(this.run, task, host, ev, recorder);
      const set = probesOf(prepared.module, prepared.args);
      if (!set) return [];
      for (const c of probeCommands(set)) await prepared.ctx.run(c.script, c.opts);
    } catch {
      // A task that cannot be prepared now (an undefined variable, bad arguments its probes
      // refuse) fails when it runs, with its own message; nothing to read ahead for it.
      return [];
    }
    return recorder.sent;
  }
}
