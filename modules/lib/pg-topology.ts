// Which node is the primary NOW, decided from what the nodes themselves say (pg-node.ts), never
// from the inventory's names: the inventory only breaks the tie between fresh, unrelated
// clusters (a first run). When the nodes' own state does not settle it, the answer is a problem
// to report, never a guess.
import { type ModuleContext } from '../../sdk/index.js';
import { nodeScript, readNodeOutput, type PgNodeSpec, type PgNodeState } from './pg-node.js';

export interface NodeReport extends PgNodeState {
  host: string;
  reachable: boolean;
  /** Why the node could not be read. */
  error?: string;
}

export interface Topology {
  /** The current primary; null when it cannot be decided (see problems). */
  primary: string | null;
  /** Nodes to be (or that are) standbys of the primary: standbys and fresh clusters to seed. */
  standbys: string[];
  /** Former primaries the current primary's timeline has left behind: to rejoin, never to start or copy from. */
  stale: string[];
  /** Nodes that could not be read. */
  unreachable: string[];
  /** true when no node has ever been part of a replicated cluster (the first run). */
  fresh: boolean;
  problems: string[];
}

const tl = (n: NodeReport): number => n.timeline ?? 0;

/**
 * nodes in inventory order; preferred is the inventory's primary (master_host), which only
 * decides between clusters that have never replicated.
 */
export function decideTopology(nodes: NodeReport[], preferred: string): Topology {
  const unreachable = nodes.filter((n) => !n.reachable).map((n) => n.host);
  const known = nodes.filter((n) => n.reachable && n.installed);
  const primaries = known.filter((n) => n.role === 'primary');
  const problems: string[] = [];
  const others = (primary: string | null): string[] => nodes.filter((n) => n.reachable && n.host !== primary).map((n) => n.host);

  // Nodes that share a system identifier with another node are one replicated cluster.
  const sharedIds = new Set(known.filter((n) => n.systemId && known.some((m) => m !== n && m.systemId === n.systemId)).map((n) => n.systemId!));
  const fresh = sharedIds.size === 0 && known.every((n) => n.role === 'primary' && tl(n) <= 1);
  if (fresh) {
    if (unreachable.includes(preferred)) return { primary: null, standbys: [], stale: [], unreachable, fresh, problems: [`${preferred} cannot be read and no other node has been a primary: cannot tell which node is the primary`] };
    const primary = nodes.some((n) => n.host === preferred) ? preferred : (nodes.find((n) => n.reachable)?.host ?? null);
    return { primary, standbys: others(primary), stale: [], unreachable, fresh, problems };
  }

  // The primary on the newest timeline wins; a tie between two primaries of one system is a split brain.
  const newest = Math.max(...primaries.map(tl), 0);
  const top = primaries.filter((n) => tl(n) === newest);
  if (top.length === 0) {
    problems.push(`no node is a primary (${known.map((n) => `${n.host}: ${n.role}`).join(', ') || 'no cluster found'}${unreachable.length ? `; cannot read ${unreachable.join(', ')}` : ''}): promote a standby or start the primary first`);
    return { primary: null, standbys: [], stale: [], unreachable, fresh, problems };
  }
  if (top.length > 1) {
    const same = top.filter((n) => n.systemId && top.filter((m) => m.systemId === n.systemId).length > 1);
    const which = (same.length ? same : top).map((n) => n.host).join(' and ');
    problems.push(
      same.length
        ? `${which} are both primaries of the same cluster on timeline ${newest}: a split brain, and nothing on the hosts says which data is right; stop the wrong one and rejoin it (playbooks/rejoin.yml -e rejoin_host=NAME)`
        : `${which} are primaries of different clusters, both on timeline ${newest}: cannot tell which holds the data`,
    );
    return { primary: null, standbys: [], stale: [], unreachable, fresh, problems };
  }
  const primary = top[0]!;
  // A standby of this system on a newer timeline than the primary: some other node was promoted after it.
  const ahead = known.filter((n) => n.role === 'standby' && n.systemId === primary.systemId && tl(n) > newest);
  if (ahead.length) {
    problems.push(`${ahead.map((n) => n.host).join(', ')} ${ahead.length > 1 ? 'are standbys' : 'is a standby'} on timeline ${Math.max(...ahead.map(tl))}, newer than primary ${primary.host}'s ${newest}: its primary is not among the nodes read`);
    return { primary: null, standbys: [], stale: [], unreachable, fresh, problems };
  }
  const stale = primaries.filter((n) => n !== primary && n.systemId === primary.systemId).map((n) => n.host);
  // A primary of another system that has been promoted once holds data of its own: not ours to replace.
  const foreign = primaries.filter((n) => n !== primary && n.systemId !== primary.systemId && tl(n) > 1);
  for (const n of foreign) problems.push(`${n.host} is a primary of another cluster (system ${n.systemId}, timeline ${tl(n)}): refusing to treat it as a fresh node to seed`);
  const standbys = others(primary.host).filter((h) => !stale.includes(h) && !foreign.some((n) => n.host === h));
  return { primary: problems.length ? null : primary.host, standbys, stale, unreachable, fresh, problems };
}

/** The command that rejoins a stale node, for reports. */
export const rejoinCommand = (host: string): string => `tsplay run playbooks/rejoin.yml -i INVENTORY -e rejoin_host=${host}`;

/** One node's state over its own connection (one round trip, as postgres). */
export async function readNode(ctx: ModuleContext, host: string, spec: PgNodeSpec): Promise<NodeReport> {
  let conn;
  try {
    conn = await ctx.connectionTo(host);
  } catch (e) {
    return { host, reachable: false, error: (e as Error).message, installed: false, running: false, role: 'none', fenced: false };
  }
  let r;
  try {
    r = await conn.exec(nodeScript(spec), { becomeUser: 'postgres' });
  } catch (e) {
    return { host, reachable: false, error: (e as Error).message, installed: false, running: false, role: 'none', fenced: false };
  }
  if (!r.stdout.includes('@@tsplay@@')) {
    // No postgres user yet (nothing installed): sudo or su refused before the probe ran.
    if (r.code !== 255) return { host, reachable: true, installed: false, running: false, role: 'none', fenced: false };
    return { host, reachable: false, error: r.stderr.trim(), installed: false, running: false, role: 'none', fenced: false };
  }
  return { host, reachable: true, ...readNodeOutput(spec, r.stdout) };
}
