// What a connection type provides: how to open a connection to a host from its variables.
import type { Connection } from '../module-api.js';
import type { HostKeyPolicy } from './known-hosts.js';
import type { KeepSettings } from './kept.js';

/** Settings from the command line that apply when the inventory sets none. */
export interface ConnectionDefaults {
  /** -u/--user: used when the inventory sets no ansible_user. */
  user?: string;
  /** --private-key: used when the inventory sets no key file. */
  privateKey?: string;
  hostKeyPolicy?: HostKeyPolicy;
  /** Keep SSH connections across runs through the connection keeper (kept.ts); unset: direct. */
  keep?: KeepSettings;
  /** Wraps every new connection (tests count round trips this way). */
  wrap?: (c: Connection) => Connection;
}

export interface ConnectionKind {
  /** The value of ansible_connection. */
  readonly name: string;
  /** Opens a connection to a host from its variables. */
  open(host: string, vars: Record<string, unknown>, defaults: ConnectionDefaults): Promise<Connection>;
}
