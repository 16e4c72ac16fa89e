// pgpool-II's pcp_node_info -v, read for every backend id in one round trip: the parsing that
// playbooks once did with regular expressions over stdout, shared by pcp_node_info and
// pg_cluster_status.
import { cmd, sections, splitSections, type ModuleContext } from '../../sdk/index.js';

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

/** pcp_node_info -v -n ID for each id, one round trip on the balancer (the password from the pass file). */
export async function readNodeInfo(ctx: ModuleContext, ids: readonly number[], a: PcpAccess): Promise<PcpAnswer[]> {
  const probes = Object.fromEntries(
    ids.map((id) => [`node${id}`, `env PCPPASSFILE=${cmd(a.passFile)} ${cmd('pcp_node_info', '-h', a.host, '-p', a.port, '-U', a.user, '-w', '-v', '-n', id)}`]),
  );
  const sec = splitSections((await ctx.exec(sections(probes))).stdout);
  return ids.map((id) => {
    const s = sec[`node${id}`];
    if (!s || s.rc !== 0) return { ok: false, id, error: s?.out.trim().split('\n')[0] || 'no answer' };
    return { ok: true, node: parseNodeInfo(id, s.out) };
  });
}
