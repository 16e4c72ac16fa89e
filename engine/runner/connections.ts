// One connection per host for the whole run, opened lazily on first use and reused.
import type { Evaluator } from '../expressions.js';
import { ConnectionError } from '../errors.js';
import type { Connection } from '../module-api.js';
import { LocalConnection } from '../connection/local.js';
import type { HostKeyPolicy } from '../connection/known-hosts.js';

export interface ConnectionDefaults {
  /** -u/--user: used when the inventory sets no ansible_user. */
  user?: string;
  /** --private-key: used when the inventory sets no key file. */
  privateKey?: string;
  hostKeyPolicy?: HostKeyPolicy;
  /** Wraps every new connection (tests count round trips this way). */
  wrap?: (c: Connection) => Connection;
}

export class ConnectionPool {
  private conns = new Map<string, Promise<Connection>>();

  constructor(private defaults: ConnectionDefaults, private scopeOf: (host: string) => Evaluator) {}

  get(host: string): Promise<Connection> {
    let c = this.conns.get(host);
    if (!c) {
      c = this.open(host);
      this.conns.set(host, c);
    }
    return c;
  }

  private async open(host: string): Promise<Connection> {
    const v = this.scopeOf(host).varsObject() as Record<string, unknown>;
    const kind = String(v.ansible_connection ?? 'ssh');
    let conn: Connection;
    if (kind === 'local') conn = new LocalConnection(host);
    else if (kind === 'ssh') {
      const { SshConnection } = await import('../connection/ssh.js');
      conn = new SshConnection({
        name: host,
        address: String(v.ansible_host ?? host),
        port: Number(v.ansible_port ?? v.ansible_ssh_port ?? 22),
        user: String(v.ansible_user ?? v.ansible_ssh_user ?? this.defaults.user ?? process.env.USER ?? 'root'),
        privateKeyFile: optional(v.ansible_ssh_private_key_file ?? this.defaults.privateKey),
        password: optional(v.ansible_password ?? v.ansible_ssh_pass),
        knownHostsFile: optional(v.ansible_ssh_known_hosts_file),
        hostKeyPolicy: hostKeyPolicy(v.ansible_host_key_checking) ?? this.defaults.hostKeyPolicy ?? 'strict',
      });
    } else throw new ConnectionError(host, `unknown ansible_connection '${kind}' (tsplay has ssh and local)`);
    return this.defaults.wrap ? this.defaults.wrap(conn) : conn;
  }

  /** Round trips per host so far. */
  async roundTrips(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const [h, c] of this.conns) {
      const conn = await c.catch(() => undefined);
      if (conn) out[h] = conn.roundTrips;
    }
    return out;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.conns.values()].map(async (c) => (await c.catch(() => undefined))?.close()));
    this.conns.clear();
  }
}

function optional(v: unknown): string | undefined {
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

function hostKeyPolicy(v: unknown): HostKeyPolicy | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === false || v === 'false' || v === 'off' || v === 'no') return 'off';
  if (v === 'accept-new') return 'accept-new';
  return 'strict';
}
