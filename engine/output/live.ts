// The live view in a terminal (listr2): each task is a list of its hosts, each host's line
// turning into ok / changed / failed / skipped with its duration as outcomes arrive.
import type { ListrTaskWrapper } from 'listr2';
import { redact } from '../errors.js';
import { unifiedDiff } from './diff.js';
import { hostLabel, recapLine } from './plain.js';
import type { HostStats, TaskOutcome } from '../outcome.js';
import type { Reporter, ReporterOptions } from './reporter.js';

type Wrapper = ListrTaskWrapper<unknown, never, never>;

interface HostLine {
  last?: TaskOutcome;
  wrapper?: Wrapper;
  worst: TaskOutcome['status'];
}

const RANK = ['skipped', 'ok', 'changed', 'ignored', 'failed', 'unreachable'];

export class LiveReporter implements Reporter {
  private lines = new Map<string, HostLine>();
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
    this.lines = new Map(hosts.map((h) => [h, { worst: 'skipped' }]));
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
                  if (!line.last || line.worst === 'skipped') t.skip(this.text(line.last ? hostLabel(line.last) + ' skipped' : `${h} skipped`));
                  else if (line.worst === 'failed' || line.worst === 'unreachable') throw new Error(this.text(`${hostLabel(line.last)}: ${line.last.message ?? line.worst}`));
                },
              })),
              { concurrent: true, exitOnError: false, rendererOptions: { collapseSubtasks: false, collapseErrors: false } },
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
    if (!line?.wrapper || !line.last) return;
    const o = line.last;
    const why = o.message && o.status !== 'ok' && o.status !== 'skipped' ? ` — ${o.message.split('\n')[0]}` : '';
    line.wrapper.title = this.text(`${hostLabel(o)} ${o.status}${why} (${(o.durationMs / 1000).toFixed(2)}s)`);
  }

  outcome(o: TaskOutcome): void {
    const line = this.lines.get(o.host) ?? { worst: 'skipped' as const };
    this.lines.set(o.host, line);
    line.last = o;
    if (RANK.indexOf(o.status) > RANK.indexOf(line.worst)) line.worst = o.status;
    this.show(o.host);
    if (o.output !== undefined) this.notes.push(this.text(`${hostLabel(o)}:\n${o.output.replace(/^/gm, '    ')}`));
    if (o.status === 'failed' || o.status === 'unreachable') this.notes.push(this.text(`fatal: ${hostLabel(o)}: ${o.message ?? ''}${o.ignored ? ' (ignored)' : ''}`));
    if (this.o.diff) for (const d of o.diffs ?? []) this.notes.push(this.text(unifiedDiff(d).trimEnd()));
  }

  async taskDone(): Promise<void> {
    this.release?.();
    await this.running;
    for (const n of this.notes.splice(0)) this.o.write(n + '\n');
  }

  warning(message: string): void {
    this.notes.push(this.text(`[WARNING]: ${message}`));
  }

  recap(stats: Map<string, HostStats>, elapsedMs: number): void {
    for (const n of this.notes.splice(0)) this.o.write(n + '\n');
    const pad = Math.max(0, ...[...stats.keys()].map((h) => h.length)) + 2;
    this.o.write(`\nPLAY RECAP ${'*'.repeat(68)}\n`);
    for (const [h, s] of stats) this.o.write(recapLine(h, s, pad) + '\n');
    this.o.write(`\nfinished in ${(elapsedMs / 1000).toFixed(2)}s\n`);
  }

  async close(): Promise<void> {
    await this.running;
  }
}
