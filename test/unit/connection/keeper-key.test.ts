// The key of a kept connection: any difference in what identifies the connection (host,
// address, port, user, credentials, host key checking) gives another key; timeouts do not;
// the key holds no secret.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { connectionKey } from '../../../engine/connection/keeper-key.js';
import type { SshSettings } from '../../../engine/connection/ssh.js';

const base: SshSettings = {
  name: 'db1',
  address: '10.0.0.5',
  port: 22,
  user: 'deploy',
  privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nsecret-key-body\n-----END OPENSSH PRIVATE KEY-----\n',
  knownHostsFile: '/home/deploy/.ssh/known_hosts',
  hostKeyPolicy: 'strict',
};

describe('connection/keeper-key', () => {
  const secret = randomBytes(32);
  const key = (over: Partial<SshSettings>) => connectionKey({ ...base, ...over }, secret);

  it('differs whenever anything that identifies the connection differs', () => {
    const variants: Partial<SshSettings>[] = [
      {},
      { name: 'db2' },
      { address: '10.0.0.6' },
      { port: 2222 },
      { user: 'root' },
      { privateKey: base.privateKey + 'x' },
      { password: 'pw' },
      { privateKey: undefined, password: 'pw' },
      { privateKey: undefined, password: 'pw2' },
      { privateKey: undefined, agent: '/run/agent-a' },
      { privateKey: undefined, agent: '/run/agent-b' },
      { knownHostsFile: '/etc/ssh/ssh_known_hosts' },
      { hostKeyPolicy: 'accept-new' },
      { hostKeyPolicy: 'off' },
      { shells: false },
    ];
    const keys = variants.map(key);
    expect(new Set(keys).size).to.equal(variants.length);
  });

  it('is the same for the same connection, whatever the timeout or the key file it was read from', () => {
    expect(key({ connectTimeoutMs: 1000, privateKeyFile: '/a' })).to.equal(key({ connectTimeoutMs: 5000, privateKeyFile: '/b' }));
    // The agent is not used when there is a key.
    expect(key({ agent: '/run/agent-a' })).to.equal(key({ agent: '/run/agent-b' }));
  });

  it('holds no secret, and means nothing under another keeper', () => {
    const k = key({ password: 'hunter2-password' });
    expect(k).to.match(/^[0-9a-f]{64}$/);
    expect(connectionKey({ ...base, password: 'hunter2-password' }, randomBytes(32))).to.not.equal(k);
  });
});
