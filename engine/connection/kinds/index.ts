// The connection types (`ansible_connection`): a new type is one file in this folder, listed here.
import type { ConnectionKind } from '../kind.js';
import { local } from './local.js';
import { ssh } from './ssh.js';

export const connectionKinds: readonly ConnectionKind[] = [local, ssh];
