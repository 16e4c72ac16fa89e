// Per-host counters for the PLAY RECAP.

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
