// pgpool-II's pcp_node_info -v, read for every backend id in one round trip: the parsing that
// playbooks once did with regular expressions over stdout, shared by pcp_node_info and
// pg_cluster_status.
import { cmd, probe, type Probe, type ProbeSet } from '../../sdk/index.js';

export interface PcpAccess {
  host: string;
  port: number;
  user: string;
  passFile: string;
}

/** One backend as pcp_node_info -v shows it. */
export interface PcpNode {
  id: number;
  hostname: string | null;
  port: number | null;
  /** 'up' (Status 1 or 2), 'down' (3), else pgpool-II's Status Name. */
  status: string;
  status_code: number | null;
  /** primary or standby; null before pgpool-II 3.7, which does not show it. */
  role: string | null;
}

export type PcpAnswer = { ok: true; node: PcpNode } | { ok: false; id: number; error: string };

/** Status 1: up, no connection yet; 2: up, connections pooled; 3: down. */
function statusOf(code: string | undefined, name: string | undefined): string {
  if (code === '1' || code === '2') return 'up';
  if (code === '3') return 'down';
  return name ?? `status ${code ?? '?'}`;
}

/** Parses `Name : value` lines (pgpool-II 3.6 prints `Status Name: up`, without the space). */
export function parseNodeInfo(id: number, text: string): PcpNode {
  const field = (name: string) => new RegExp(`^${name}\\s*:[ \\t]*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const code = field('Status');
  const port = field('Port');
  return {
    id,
    hostname: field('Hostname') ?? null,
    port: port !== undefined && /^\d+$/.test(port) ? Number(port) : null,
    status: statusOf(code, field('Status Name')),
    status_code: code !== undefined && /^\d+$/.test(code) ? Number(code) : null,
    role: field('Role') || null,
  };
}

/** The probe of one backend: pcp_node_info -v -n ID on the balancer (the password from the pass file). */
function nodeInfoProbe(id: number, a: PcpAccess): Probe<PcpAnswer> {
  const command = `env PCPPASSFILE=${cmd(a.passFile)} ${cmd('pcp_node_info', '-h', a.host, '-p', a.port, '-U', a.user, '-w', '-v', '-n', id)}`;
  return probe(command, (s) => (s.rc !== 0 ? { ok: false, id, error: s.out.trim().split('\n')[0] || 'no answer' } : { ok: true, node: parseNodeInfo(id, s.out) }));
}

/** One probe per backend id, `node<ID>`: all of them travel in one round trip. */
export function nodeInfoProbes(ids: readonly number[], a: PcpAccess): ProbeSet {
  return Object.fromEntries(ids.map((id) => [`node${id}`, nodeInfoProbe(id, a)]));
}

/** The answers of `nodeInfoProbes`, in the order of the ids. */
export function nodeInfoAnswers(ids: readonly number[], probed: Record<string, unknown>): PcpAnswer[] {
  return ids.map((id) => probed[`node${id}`] as PcpAnswer);
}
