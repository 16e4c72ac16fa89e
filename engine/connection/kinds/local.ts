// ansible_connection: local — commands run on the controller.
import { LocalConnection } from '../local.js';
import type { ConnectionKind } from '../kind.js';

export const local: ConnectionKind = {
  name: 'local',
  open: async (host) => new LocalConnection(host),
};
