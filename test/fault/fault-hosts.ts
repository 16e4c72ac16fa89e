// Inventories for the fault-injection suite: hosts behind throw-away sshds on 127.0.0.1, hosts
// on a closed port (unreachable), and local hosts; plus a big file to copy and temp-file checks.
import { readdirSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { LOOPBACK, type TestSshd } from '../support/sshd.js';

export type HostSpec = { sshd: TestSshd } | { port: number } | 'local';

export function inventory(hosts: Record<string, HostSpec>, keyFile?: string): string {
  const entry = (h: HostSpec): Record<string, unknown> => {
    if (h === 'local') return { ansible_connection: 'local' };
    const port = 'sshd' in h ? h.sshd.port : h.port;
    return {
      ansible_host: LOOPBACK,
      ansible_port: port,
      ansible_user: 'root',
      ansible_ssh_private_key_file: 'sshd' in h ? h.sshd.clientKeyFile : keyFile,
      ansible_host_key_checking: false,
    };
  };
  return stringify({ all: { hosts: Object.fromEntries(Object.entries(hosts).map(([n, h]) => [n, entry(h)])) } });
}

/** A file of `mb` MiB of numbered lines (so a truncation shows). */
export function bigFile(path: string, mb: number): Buffer {
  const line = (i: number) => `line ${String(i).padStart(12, '0')} of a file that must arrive whole\n`;
  const one = Buffer.from(Array.from({ length: 16384 }, (_, i) => line(i)).join(''));
  const data = Buffer.alloc(mb * 1024 * 1024);
  for (let off = 0; off < data.length; off += one.length) one.copy(data, off);
  writeFileSync(path, data);
  return data;
}

export const tempFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('.tsplay.'));
