// Round trips per task and host, read from the connection layer: one in-process run of the
// playbook whose connections are kept (hooks.wrapConnection) and whose counters are read at
// every task boundary of the plain output (the linear strategy finishes a task on every host
// before it prints the next TASK line).
import { runCommand } from '../cli/run-command.js';
import type { Connection } from '../engine/module-api.js';
import { Registry } from '../engine/module-registry.js';
import type { RunSummary } from '../engine/runner/play-runner.js';
import { bundledFacts, bundledModules } from '../modules/index.js';
import type { TsplayRun } from './tools.js';

export interface TaskTrips {
  title: string;
  /** Some host reported `changed`. */
  changed: boolean;
  perHost: Record<string, number>;
}

export interface TripCount {
  code: number;
  tasks: TaskTrips[];
  /** The run summary's own count per host (a cross-check of the per-task sums). */
  totalByHost: Record<string, number>;
  output: string;
}

export async function countRoundTrips(r: TsplayRun): Promise<TripCount> {
  const conns: Connection[] = [];
  const tasks: TaskTrips[] = [];
  let current: { title: string; changed: boolean; start: Map<string, number> } | undefined;
  let output = '';
  let summary: RunSummary | undefined;
  const counts = () => new Map(conns.map((c) => [c.host, c.roundTrips]));
  const closeTask = () => {
    if (!current) return;
    const perHost: Record<string, number> = {};
    for (const [host, n] of counts()) perHost[host] = n - (current.start.get(host) ?? 0);
    tasks.push({ title: current.title, changed: current.changed, perHost });
    current = undefined;
  };
  const write = (text: string) => {
    output += text;
    for (const line of text.split('\n')) {
      const header = /^(?:TASK|RUNNING HANDLER) \[(.*)\]/.exec(line);
      if (header) {
        closeTask();
        current = { title: header[1]!, changed: false, start: counts() };
      } else if (line.startsWith('PLAY RECAP')) closeTask();
      else if (current && line.startsWith('changed: ')) current.changed = true;
    }
  };
  const code = await runCommand(
    new Registry(bundledModules, bundledFacts),
    r.playbook,
    {
      inventory: r.inventory,
      forks: r.forks,
      modulePath: r.modulePath ? [r.modulePath] : [],
      tags: [],
      skipTags: [],
      extraVars: [],
      verbose: 0,
      output: 'plain',
      // Counted on direct connections: a keeper of this build (dist/, not the bundle) would be one
      // more process for nothing; the round trips are the same.
      persist: 0,
    },
    { write, wrapConnection: (c) => (conns.push(c), c), onSummary: (s) => (summary = s) },
  );
  return { code, tasks, totalByHost: summary?.roundTrips ?? {}, output };
}

/** The most round trips any host needed for any task that changed nothing. */
export function maxNoChangeTrips(t: TripCount): number {
  return Math.max(0, ...t.tasks.filter((k) => !k.changed).flatMap((k) => Object.values(k.perHost)));
}

/** Round trips per task per host, over the tasks that changed nothing. */
export function meanNoChangeTrips(t: TripCount): number {
  const all = t.tasks.filter((k) => !k.changed).flatMap((k) => Object.values(k.perHost));
  return all.length ? all.reduce((a, b) => a + b, 0) / all.length : 0;
}
