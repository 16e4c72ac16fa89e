// What the runner tells the person watching: plays, tasks, per-host outcomes and the recap.
import type { HostStats, TaskOutcome } from '../outcome.js';

export interface Reporter {
  play(name: string, hosts: string[]): void;
  /** A task starts on these hosts; the runner waits for the returned promise. */
  task(title: string, kind: 'task' | 'handler' | 'facts', hosts: string[]): void | Promise<void>;
  outcome(o: TaskOutcome): void;
  /** The current task finished on every host; the runner waits for the returned promise. */
  taskDone(): void | Promise<void>;
  warning(message: string): void;
  recap(stats: Map<string, HostStats>, elapsedMs: number): void;
  close(): Promise<void>;
}

export interface ReporterOptions {
  verbosity: number;
  diff: boolean;
  /** Values never to print. */
  secrets: { values: string[] };
  write: (text: string) => void;
}
