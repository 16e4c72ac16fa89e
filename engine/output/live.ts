// The live view in a terminal (listr2): each task is a list of its hosts, each host's line
// turning into ok / changed / failed / skipped with its duration as outcomes arrive; a loop's
// line lists every item. What needs more room (a failure's message, debug output, diffs) is
// printed once below the task, host by host in the task's order, each labelled.
import type { ListrTaskWrapper } from 'listr2';
import { redact } from '../errors.js';
import { unifiedDiff } from './diff.js';
import { diffLabel, hostLabel, recapLine } from './plain.js';
import type { HostStats, TaskOutcome } from '../outcome.js';
import type { Reporter, ReporterOptions } from './reporter.js';

type Wrapper = ListrTaskWrapper<unknown, never, never>;

interface HostLine {
  /** Every outcome so far: one, or one per loop item. */
  outcomes: TaskOutcome[];
  wrapper?: Wrapper;
  worst: TaskOutcome['status'];
  /** Printed below the task: failures, debug output, diffs. */
  notes: string[];
}

/** One outcome in a host's line: the failure's message is not repeated here (it is below). */
export function outcomeTitle(o: TaskOutcome): string {
  const shown = o.status === 'changed' || o.status === 'ignored' || (o.status === 'skipped' && o.reasonShown);
  const why = o.message && shown ? ` — ${o.message.split('\n')[0]}` : '';
  return `${hostLabel(o)} ${o.status}${why} (${(o.durationMs / 1000).toFixed(2)}s)`;
}

const RANK = ['skipped', 'ok', 'changed', 'ignored', 'failed', 'unreachable'];

export class LiveReporter implements Reporter {
  private lines = new Map<string, HostLine>();
  /** The hosts of the current task, in its order. */
  private order: string[] = [];
  private release?: () => void;
  private running?: Promise<unknown>;
  private notes: string[] = [];

  constructor(private o: ReporterOptions) {}

  private text(s: string): string {
    return redact(s, this.o.secrets.values);
  }

  play(name: string): void {
    this.o.write(this.text(`\nPLAY [${name}]\n`));
  }

  async task(title: string, kind: 'task' | 'handler' | 'facts', hosts: string[]): Promise<void> {
    const { Listr } = await import('listr2');
    this.order = hosts;
    this.lines = new Map(hosts.map((h) => [h, { worst: 'skipped', outcomes: [], notes: [] }]));
    const all = new Promise<void>((r) => (this.release = r));
    const head = this.text(kind === 'handler' ? `RUNNING HANDLER [${title}]` : `TASK [${title}]`);
    const list = new Listr(
      [
        {
          title: head,
          task: (_ctx, parent) => {
            const sub = parent.newListr(
              hosts.map((h) => ({
                title: h,
                task: async (_c: unknown, t: Wrapper) => {
                  this.lines.get(h)!.wrapper = t;
                  this.show(h);
                  await all;
                  const line = this.lines.get(h)!;
                  this.show(h);
                  const last = line.outcomes.at(-1);
                  if (!last || line.worst === 'skipped') t.skip(this.text(last ? outcomeTitle(last) : `${h} skipped`));
                  // The message is printed once, below the task: the error only marks the line (it
                  // replaces the title with the same text: collapseErrors).
                  else if (line.worst === 'failed' || line.worst === 'unreachable') throw new Error(this.text(line.outcomes.map(outcomeTitle).join('\n')));
                },
              })),
              { concurrent: true, exitOnError: false, rendererOptions: { collapseSubtasks: false, collapseErrors: true } },
            );
            return sub;
          },
        },
      ],
      // Signals belong to the CLI (cli/interrupts.ts): listr2's own handler would exit at once.
      { exitOnError: false, registerSignalListeners: false, rendererOptions: { collapseSubtasks: false, collapseErrors: false, formatOutput: 'wrap' } },
    );
    this.running = list.run();
  }

  private show(host: string): void {
    const line = this.lines.get(host);
    if (!line?.wrapper || !line.outcomes.length) return;
    line.wrapper.title = this.text(line.outcomes.map(outcomeTitle).join('\n'));
  }

  outcome(o: TaskOutcome): void {
    let line = this.lines.get(o.host);
    if (!line) this.lines.set(o.host, (line = { worst: 'skipped', outcomes: [], notes: [] }));
    if (!this.order.includes(o.host)) this.order.push(o.host);
    line.outcomes.push(o);
    if (RANK.indexOf(o.status) > RANK.indexOf(line.worst)) line.worst = o.status;
    this.show(o.host);
    if (o.output !== undefined) line.notes.push(this.text(`${hostLabel(o)}:\n${o.output.replace(/^/gm, '    ')}`));
    if (o.status === 'failed' || o.status === 'unreachable') line.notes.push(this.text(`fatal: ${hostLabel(o)}: ${o.message ?? ''}${o.ignored ? ' (ignored)' : ''}`));
    if (this.o.diff) for (const d of o.diffs ?? []) line.notes.push(this.text(`${diffLabel(o)}\n${unifiedDiff(d).trimEnd()}`));
  }

  async taskDone(): Promise<void> {
    this.release?.();
    await this.running;
    this.flush();
  }

  /** The notes of the task, host by host in its order, then the warnings. */
  private flush(): void {
    for (const h of this.order) for (const n of this.lines.get(h)?.notes.splice(0) ?? []) this.o.write(n + '\n');
    for (const n of this.notes.splice(0)) this.o.write(n + '\n');
  }

  warning(message: string): void {
    this.notes.push(this.text(`[WARNING]: ${message}`));
  }

  recap(stats: Map<string, HostStats>, elapsedMs: number): void {
    this.flush();
    const pad = Math.max(0, ...[...stats.keys()].map((h) => h.length)) + 2;
    this.o.write(`\nPLAY RECAP ${'*'.repeat(68)}\n`);
    for (const [h, s] of stats) this.o.write(recapLine(h, s, pad) + '\n');
    this.o.write(`\nfinished in ${(elapsedMs / 1000).toFixed(2)}s\n`);
  }

  async close(): Promise<void> {
    await this.running;
  }
}
