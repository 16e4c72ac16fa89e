// Fixture cases for ufw: the manual's eight `ufw allow` commands, with ufw 0.36's files
// (/etc/ufw/ufw.conf, /etc/default/ufw, the `### tuple ###` lines of user.rules/user6.rules).
import ufw from '../../../modules/ufw.js';
import type { Reply } from '../../support/fake-connection.js';
import { probeReply } from '../../support/section-replies.js';
import type { CaseFile, ModuleCase } from '../harness.js';

const PROBE = '@@tsplay@@ conf';

function conf(enabled: boolean, input = 'DROP', loglevel = 'low'): string {
  return (
    `ENABLED=${enabled ? 'yes' : 'no'}\nLOGLEVEL=${loglevel}\nIPV6=yes\nDEFAULT_INPUT_POLICY="${input}"\n` +
    'DEFAULT_OUTPUT_POLICY="ACCEPT"\nDEFAULT_FORWARD_POLICY="DROP"\nDEFAULT_APPLICATION_POLICY="SKIP"\n' +
    'MANAGE_BUILTINS=no\nIPT_SYSCTL=/etc/ufw/sysctl.conf\nIPT_MODULES=""\n'
  );
}

const tuple = (t: string) => `### tuple ### ${t}\n`;
const SSH_IN4 = tuple('allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in');
const SSH_IN6 = tuple('allow tcp 22 ::/0 any ::/0 in');

interface HostFiles {
  enabled?: boolean;
  input?: string;
  loglevel?: string;
  rules4?: string;
  rules6?: string;
  status?: string;
  ssh?: string;
  svc0?: string;
}

function host(h: HostFiles): Reply {
  const parts: Record<string, string> = {
    ufw: '/usr/sbin/ufw\n',
    conf: conf(h.enabled ?? false, h.input, h.loglevel),
    rules4: h.rules4 ?? '',
    rules6: h.rules6 ?? '',
    ssh: `${h.ssh ?? ''}\n`,
  };
  if (h.status !== undefined) parts.status = h.status;
  if (h.svc0 !== undefined) parts.svc0 = h.svc0;
  return probeReply(PROBE, parts);
}

const ufwOk: Reply = { match: /^LC_ALL=C ufw /, stdout: 'Rules updated\nRules updated (v6)\n' };
const SSH_SERVICE = 'ssh                   22/tcp\n';

/** The manual's `ufw allow DIR PORT`: added when missing, no change when ufw already has it. */
function manualRule(direction: 'in' | 'out', port: string, v4: string, v6: string): ModuleCase[] {
  const service = !/^\d/.test(port);
  const [num, proto] = service ? [port, undefined] : port.split('/');
  const args = { rule: 'allow', direction, port: num, ...(proto ? { proto } : {}) };
  const svc = service ? { svc0: SSH_SERVICE } : {};
  return [
    {
      name: `manual: ufw allow ${direction} ${port}`,
      args,
      before: [host({ ...svc }), ufwOk],
      after: [host({ ...svc, rules4: tuple(v4), rules6: tuple(v6) })],
      expect: {
        changed: true,
        message: new RegExp(`\\(${v4.replace(/[./]/g, '\\$&')} / ${v6.replace(/[./]/g, '\\$&')}\\)$`),
        applies: [new RegExp(`^LC_ALL=C ufw allow ${direction} from any to any port ${num}${proto ? ` proto ${proto}` : ''}$`)],
      },
    },
    {
      name: `manual: ufw allow ${direction} ${port} again → no change, ufw not run`,
      args,
      before: [host({ ...svc, rules4: SSH_IN4 + tuple(v4), rules6: SSH_IN6 + tuple(v6) })],
      expect: { changed: false, message: /present$/ },
    },
  ];
}

export default {
  module: ufw,
  cases: [
    ...manualRule('in', 'ssh', 'allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in', 'allow tcp 22 ::/0 any ::/0 in'),
    ...manualRule('out', 'ssh', 'allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 out', 'allow tcp 22 ::/0 any ::/0 out'),
    ...manualRule('in', '5432/tcp', 'allow tcp 5432 0.0.0.0/0 any 0.0.0.0/0 in', 'allow tcp 5432 ::/0 any ::/0 in'),
    ...manualRule('out', '5432/tcp', 'allow tcp 5432 0.0.0.0/0 any 0.0.0.0/0 out', 'allow tcp 5432 ::/0 any ::/0 out'),
    ...manualRule('in', '5433/tcp', 'allow tcp 5433 0.0.0.0/0 any 0.0.0.0/0 in', 'allow tcp 5433 ::/0 any ::/0 in'),
    ...manualRule('out', '5433/tcp', 'allow tcp 5433 0.0.0.0/0 any 0.0.0.0/0 out', 'allow tcp 5433 ::/0 any ::/0 out'),
    ...manualRule('in', '9898/tcp', 'allow tcp 9898 0.0.0.0/0 any 0.0.0.0/0 in', 'allow tcp 9898 ::/0 any ::/0 in'),
    ...manualRule('out', '9898/tcp', 'allow tcp 9898 0.0.0.0/0 any 0.0.0.0/0 out', 'allow tcp 9898 ::/0 any ::/0 out'),
    {
      name: 'a rule with another action is replaced (ufw updates it in place)',
      args: { rule: 'allow', port: '5432', proto: 'tcp', src: '10.213.0.0/24' },
      before: [host({ rules4: tuple('deny tcp 5432 0.0.0.0/0 any 10.213.0.0/24 in') }), ufwOk],
      after: [host({ rules4: tuple('allow tcp 5432 0.0.0.0/0 any 10.213.0.0/24 in') })],
      expect: { changed: true, applies: [/^LC_ALL=C ufw allow in from 10\.213\.0\.0\/24 to any port 5432 proto tcp$/] },
    },
    {
      name: 'addresses are compared as ufw normalizes them (host bits, /32)',
      args: { rule: 'allow', src: '10.213.0.7/24', to_ip: '10.213.0.10/32', port: 5432, proto: 'tcp' },
      before: [host({ rules4: tuple('allow tcp 5432 10.213.0.10 any 10.213.0.0/24 in') })],
      expect: { changed: false },
    },
    {
      name: 'comment is stored hex-encoded; a different comment is a change',
      args: { rule: 'allow', port: '9898', proto: 'tcp', comment: 'pcp' },
      before: [host({ rules4: tuple('allow tcp 9898 0.0.0.0/0 any 0.0.0.0/0 in comment=6f6c64'), rules6: tuple('allow tcp 9898 ::/0 any ::/0 in comment=706370') }), ufwOk],
      after: [host({ rules4: tuple('allow tcp 9898 0.0.0.0/0 any 0.0.0.0/0 in comment=706370'), rules6: tuple('allow tcp 9898 ::/0 any ::/0 in comment=706370') })],
      expect: { changed: true, applies: [/ufw allow in from any to any port 9898 proto tcp comment pcp$/] },
    },
    {
      name: 'limit: an IPv6 tuple that ufw skipped (no ip6tables recent match) is not a change',
      args: { rule: 'limit', port: 'ssh', proto: 'tcp' },
      before: [host({ svc0: SSH_SERVICE, rules4: tuple('limit tcp 22 0.0.0.0/0 any 0.0.0.0/0 in') })],
      expect: { changed: false },
    },
    {
      name: 'delete removes an existing rule',
      args: { rule: 'allow', direction: 'out', port: '9898', proto: 'tcp', delete: true },
      before: [host({ rules4: tuple('allow tcp 9898 0.0.0.0/0 any 0.0.0.0/0 out'), rules6: tuple('allow tcp 9898 ::/0 any ::/0 out') }), ufwOk],
      after: [host({})],
      expect: { changed: true, message: /^delete rule/, applies: [/^LC_ALL=C ufw delete allow out from any to any port 9898 proto tcp$/] },
    },
    {
      name: 'enable + deny policy while this SSH connection is allowed by a rule',
      args: { state: 'enabled', policy: 'deny' },
      before: [host({ status: 'Status: inactive\n', rules4: SSH_IN4, rules6: SSH_IN6, ssh: '10.213.0.1 40022 10.213.0.10 22' }), ufwOk],
      after: [host({ enabled: true, status: 'Status: active\n', rules4: SSH_IN4, rules6: SSH_IN6, ssh: '10.213.0.1 40022 10.213.0.10 22' })],
      expect: { changed: true, message: /^enable the firewall$/, applies: [/^LC_ALL=C ufw --force enable$/] },
    },
    {
      name: 'the SSH port in use comes from $SSH_CONNECTION (2222 allowed, 22 not)',
      args: { state: 'enabled' },
      before: [
        host({ status: 'Status: inactive\n', rules4: tuple('allow tcp 2222 0.0.0.0/0 any 10.213.0.0/24 in'), ssh: '10.213.0.1 40022 10.213.0.10 2222' }),
        ufwOk,
      ],
      after: [host({ enabled: true, status: 'Status: active\n', rules4: tuple('allow tcp 2222 0.0.0.0/0 any 10.213.0.0/24 in'), ssh: '10.213.0.1 40022 10.213.0.10 2222' })],
      expect: { changed: true, applies: [/ufw --force enable/] },
    },
    {
      name: 'rule and enable in one task: the rule goes in first, then the firewall is enabled',
      args: { state: 'enabled', rule: 'allow', port: '22', proto: 'tcp' },
      vars: { ansible_port: 22 },
      before: [host({ status: 'Status: inactive\n' }), ufwOk],
      after: [host({ enabled: true, status: 'Status: active\n', rules4: tuple('allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in'), rules6: tuple('allow tcp 22 ::/0 any ::/0 in') })],
      expect: { changed: true, message: /^add rule .*; enable the firewall$/, applies: [/ufw allow in from any to any port 22 proto tcp$/, /ufw --force enable$/] },
    },
    {
      name: 'already active with every rule present → no change, nothing reloaded',
      args: { state: 'enabled' },
      before: [host({ enabled: true, status: 'Status: active\n', rules4: SSH_IN4, rules6: SSH_IN6 })],
      expect: { changed: false, message: /^firewall active$/ },
    },
    {
      name: 'default outgoing policy and logging level read from the files',
      args: { default: 'deny', direction: 'outgoing', logging: 'medium' },
      before: [host({}), ufwOk],
      after: [
        probeReply(PROBE, {
          ufw: '/usr/sbin/ufw\n',
          conf: conf(false, 'DROP', 'medium').replace('DEFAULT_OUTPUT_POLICY="ACCEPT"', 'DEFAULT_OUTPUT_POLICY="DROP"'),
          rules4: '',
          rules6: '',
          ssh: '\n',
        }),
      ],
      expect: { changed: true, message: /^default outgoing policy allow → deny; logging low → medium$/, applies: [/ufw default deny outgoing$/, /ufw logging medium$/] },
    },
  ],
} satisfies CaseFile;
