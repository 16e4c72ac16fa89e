// Speculative batched checks. Checks only read, so the checks of several consecutive tasks on a
// host can be read ahead in one round trip: each check is started with a context whose
// connection only records the first command it sends; those commands travel together
// (PrefetchingConnection.prefetch) and wait there for the real checks, which then run as usual
// and find their reads already done. A task that changes the host (an apply), or any command
// the prefetch did not foresee, drops what is waiting, and the next task reads ahead afresh:
// the outcomes are those of a run without batching, only the round trips differ.
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
import { checkOnly } from '../module/step.js';

/** The most tasks read ahead in one round trip. */
export const BATCH_TASKS = 64;
/** How long a check may take on the controller before its first command (template rendering). */
const FIRST_COMMAND_MS = 200;

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

/** Records the first command a check sends and never answers it: the check goes no further. */
class FirstCommand implements Connection {
  readonly roundTrips = 0;
  sent: BatchCommand | undefined;
  private reached!: () => void;
  readonly first = new Promise<void>((resolve) => (this.reached = resolve));
  /** As the host's connection has it, so that the check sends what it will send there. */
  readonly execAs?: Connection['execAs'];

  constructor(readonly host: string, like: Connection) {
    if (like.execAs) this.execAs = (as, command, opts = {}) => this.record({ command, stdin: opts.stdin, as });
  }

  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.record({ command, stdin: opts.stdin });
  }

  private record(c: BatchCommand): Promise<ExecResult> {
    this.sent ??= c;
    this.reached();
    return new Promise<never>(() => undefined);
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
 * a row served nothing (checks whose commands differ from run to run) is read no more.
 */
export class Prefetcher {
  private last = new Map<string, HostReadAhead>();
  private size = new Map<string, number>();
  private wasted = new Map<string, number>();

  constructor(private readonly run: RunState) {}

  /**
   * Before `tasks[i]` runs on `host`: unless its read is already waiting, reads ahead the
   * checks of its window in one round trip.
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
      const c = await this.firstCommand(t, host, conn);
      if (!c) continue;
      commands.push(c);
      read.push(t);
    }
    if (commands.length < 2) return;
    const kept = await conn.prefetch(commands);
    if ((this.run.opts.verbosity ?? 0) >= 3) {
      this.run.opts.log?.(`${host}: batch: ${kept} of ${commands.length} checks read ahead in one round trip (${read.map((t) => `'${t.name ?? t.module.name}'`).join(', ')})`);
    }
    this.last.set(host, { tasks: new Set(window), generation: conn.generation, served: conn.served });
  }

  /** The first command the task's check would send on the host now, if it sends one. */
  private async firstCommand(task: ModuleTask, host: string, conn: Connection): Promise<BatchCommand | undefined> {
    const recorder = new FirstCommand(host, conn);
    try {
      const ev = this.run.scope(host, task.vars, task.defaults, taskCheckMode(this.run, task));
      if (!ev.test(task.when)) return undefined;
      const prepared = await prepareTask(this.run, task, host, ev, recorder);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        checkOnly(prepared.module, prepared.ctx, prepared.args).catch(() => undefined),
        recorder.first,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, FIRST_COMMAND_MS))),
      ]);
      clearTimeout(timer);
    } catch {
      // A task that cannot be prepared now (an undefined variable, bad arguments) fails when it
      // runs, with its own message; nothing to read ahead for it.
      return undefined;
    }
    return recorder.sent;
  }
}
