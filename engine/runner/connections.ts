// One connection per host for the whole run, opened lazily on first use and reused.
import type { Evaluator } from '../expressions.js';
import { ConnectionError } from '../errors.js';
import type { Connection } from '../module-api.js';
import type { ConnectionDefaults } from '../connection/kind.js';
import { connectionKinds } from '../connection/kinds/index.js';
import { batchingWanted, PrefetchingConnection } from '../connection/prefetch.js';

export class ConnectionPool {
  private conns = new Map<string, Promise<Connection>>();
  /** Round trips of connections closed by reset(), so that the run's count keeps them. */
  private closedTrips = new Map<string, number>();

  constructor(private defaults: ConnectionDefaults, private scopeOf: (host: string) => Evaluator) {}

  get(host: string): Promise<Connection> {
    let c = this.conns.get(host);
    if (!c) {
      c = this.open(host);
      this.conns.set(host, c);
    }
    return c;
  }

  /** Closes a host's connection (meta: reset_connection, wait_for_connection): the next get opens a new one. */
  async reset(host: string): Promise<void> {
    const c = this.conns.get(host);
    if (!c) return;
    this.conns.delete(host);
    const conn = await c.catch(() => undefined);
    if (!conn) return;
    this.closedTrips.set(host, (this.closedTrips.get(host) ?? 0) + conn.roundTrips);
    await conn.close({ reset: true }).catch(() => undefined);
  }

  private async open(host: string): Promise<Connection> {
    const v = this.scopeOf(host).varsObject() as Record<string, unknown>;
    const name = String(v.ansible_connection ?? 'ssh');
    const kind = connectionKinds.find((k) => k.name === name);
    if (!kind) throw new ConnectionError(host, `unknown ansible_connection '${name}' (tsplay has ${connectionKinds.map((k) => k.name).join(', ')})`);
    const opened = await kind.open(host, v, this.defaults);
    const conn = this.defaults.wrap ? this.defaults.wrap(opened) : opened;
    // Outermost, so that what it serves costs no round trip below it.
    return batchingWanted() ? new PrefetchingConnection(conn) : conn;
  }

  /** Round trips per host so far. */
  async roundTrips(): Promise<Record<string, number>> {
    const out: Record<string, number> = Object.fromEntries(this.closedTrips);
    for (const [h, c] of this.conns) {
      const conn = await c.catch(() => undefined);
      if (conn) out[h] = (out[h] ?? 0) + conn.roundTrips;
    }
    return out;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.conns.values()].map(async (c) => (await c.catch(() => undefined))?.close()));
    this.conns.clear();
  }
}
