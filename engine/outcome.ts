// What a task did on a host, and the per-host counters of the PLAY RECAP: the runner produces
// them, the output shows them.
import type { FileDiff } from './module-api.js';

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export const emptyStats = (): HostStats => ({ ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });

export type Status = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'ignored';

/** Counts an outcome in its host's recap, as Ansible does: a change is also ok. (`rescued` is the play runner's: a rescue takes back the failures of its block.) */
export function tally(s: HostStats, status: Status): void {
  if (status === 'changed') s.ok++;
  s[status]++;
}

/** One host's outcome of one task (or one loop item), as shown to the person running the playbook. */
export interface TaskOutcome {
  host: string;
  status: Status;
  /** Shown as [host -> delegate]. */
  delegatedTo?: string;
  /** Loop item label. */
  item?: string;
  /** The no-change reason, the change description, or the error. */
  message?: string;
  /** Output a person asked for (debug). */
  output?: string;
  diffs?: FileDiff[];
  durationMs: number;
  /** The message is shown at the default verbosity too (a dry run's "not checkable" skip). */
  reasonShown?: boolean;
  /** ignore_errors turned a failure into this outcome. */
  ignored?: boolean;
}
