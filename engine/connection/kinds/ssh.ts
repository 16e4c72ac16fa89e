// ansible_connection: ssh (the default) — one OpenSSH-compatible connection per host, from the
// host's ansible_* variables, kept across runs by the connection keeper unless --persist 0.
// The SSH library is loaded only when a host needs it.
import type { HostKeyPolicy } from '../known-hosts.js';
import type { SshSettings } from '../ssh.js';
import type { ConnectionKind } from '../kind.js';

export const ssh: ConnectionKind = {
  name: 'ssh',
  async open(host, v, defaults) {
    const settings: SshSettings = {
      name: host,
      address: String(v.ansible_host ?? host),
      port: Number(v.ansible_port ?? v.ansible_ssh_port ?? 22),
      user: String(v.ansible_user ?? v.ansible_ssh_user ?? defaults.user ?? process.env.USER ?? 'root'),
      privateKeyFile: optional(v.ansible_ssh_private_key_file ?? defaults.privateKey),
      password: optional(v.ansible_password ?? v.ansible_ssh_pass),
      knownHostsFile: optional(v.ansible_ssh_known_hosts_file),
      hostKeyPolicy: hostKeyPolicy(v.ansible_host_key_checking) ?? defaults.hostKeyPolicy ?? 'strict',
    };
    if (defaults.keep) {
      const { KeptConnection } = await import('../kept.js');
      return new KeptConnection(settings, defaults.keep);
    }
    const { SshConnection } = await import('../ssh.js');
    return new SshConnection(settings);
  },
};

function optional(v: unknown): string | undefined {
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

function hostKeyPolicy(v: unknown): HostKeyPolicy | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === false || v === 'false' || v === 'off' || v === 'no') return 'off';
  if (v === 'accept-new') return 'accept-new';
  return 'strict';
}
