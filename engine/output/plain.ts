// Ansible-like plain lines, for pipes and CI: TASK [name], changed: [host], PLAY RECAP.
import { redact } from '../errors.js';
import { unifiedDiff } from './diff.js';
import type { HostStats, TaskOutcome } from '../outcome.js';
import type { Reporter, ReporterOptions } from './reporter.js';

const WIDTH = 79;

function banner(title: string): string {
  return `\n${title} ${'*'.repeat(Math.max(3, WIDTH - title.length - 1))}`;
}

export function hostLabel(o: TaskOutcome): string {
  const who = o.delegatedTo && o.delegatedTo !== o.host ? `${o.host} -> ${o.delegatedTo}` : o.host;
  return o.item !== undefined ? `[${who}] => (item=${o.item})` : `[${who}]`;
}

/** The line above a diff: whose it is (host, delegate, item). */
export const diffLabel = (o: TaskOutcome): string => `diff ${hostLabel(o)}:`;

export function recapLine(host: string, s: HostStats, pad: number): string {
  const cols = Object.entries(s).map(([k, v]) => `${k}=${v}`.padEnd(k.length + 5));
  return `${host.padEnd(pad)} : ${cols.join(' ').trimEnd()}`;
}

export class PlainReporter implements Reporter {
  /** Diffs wait for the end of the task, to come host by host in the task's order. */
  private diffs = new Map<string, string[]>();
  private order: string[] = [];

  constructor(private o: ReporterOptions) {}

  private out(text: string): void {
    this.o.write(redact(text, this.o.secrets.values) + '\n');
  }

  play(name: string): void {
    this.out(banner(`PLAY [${name}]`));
  }

  task(title: string, kind: 'task' | 'handler' | 'facts', hosts: string[]): void {
    this.order = [...hosts];
    const word = kind === 'handler' ? 'RUNNING HANDLER' : 'TASK';
    this.out(banner(`${word} [${title}]`));
  }

  outcome(o: TaskOutcome): void {
    const label = hostLabel(o);
    const secs = this.o.verbosity > 0 ? ` (${(o.durationMs / 1000).toFixed(2)}s)` : '';
    switch (o.status) {
      case 'ok':
      case 'changed': {
        const why = o.message && (o.status === 'changed' || this.o.verbosity > 0) ? `: ${o.message}` : '';
        this.out(`${o.status}: ${label}${why}${secs}`);
        break;
      }
      case 'skipped':
        this.out(`skipping: ${label}${(this.o.verbosity > 0 || o.reasonShown) && o.message ? `: ${o.message}` : ''}`);
        break;
      case 'unreachable':
        this.out(`fatal: ${label}: UNREACHABLE! => ${o.message ?? ''}`);
        break;
      case 'failed':
      case 'ignored':
        this.out(`fatal: ${label}: FAILED! => ${o.message ?? ''}`);
        if (o.ignored) this.out('...ignoring');
        break;
    }
    if (o.output !== undefined) this.out(o.output.replace(/^/gm, '    '));
    if (!this.o.diff || !o.diffs?.length) return;
    if (!this.order.includes(o.host)) this.order.push(o.host);
    const list = this.diffs.get(o.host) ?? [];
    this.diffs.set(o.host, list);
    for (const d of o.diffs) list.push(`${diffLabel(o)}\n${unifiedDiff(d).trimEnd()}`);
  }

  taskDone(): void {
    for (const h of this.order) for (const d of this.diffs.get(h) ?? []) this.out(d);
    this.diffs.clear();
  }

  warning(message: string): void {
    this.out(`[WARNING]: ${message}`);
  }

  recap(stats: Map<string, HostStats>, elapsedMs: number): void {
    this.out(banner('PLAY RECAP'));
    const pad = Math.max(0, ...[...stats.keys()].map((h) => h.length)) + 2;
    for (const [host, s] of stats) this.out(recapLine(host, s, pad));
    if (this.o.verbosity > 0) this.out(`\nfinished in ${(elapsedMs / 1000).toFixed(2)}s`);
  }

  async close(): Promise<void> {}
}
