// ufw: firewall rules, default policies, logging and on/off state with community.general.ufw's
// arguments. The check reads ufw's own files in one command (the `### tuple ###` lines of
// user.rules/user6.rules, ufw.conf, /etc/default/ufw) and computes the tuples ufw would store
// for the task, so an existing rule is "no change" and nothing is touched or reloaded.
// Enabling the firewall (or changing an active one) so that the SSH port in use would no longer
// accept connections is refused.
import { ModuleError, defineModule, quote, raw, type ProbeOutput, type ProbeSet } from '../sdk/index.js';
import {
  type Tuple,
  formatTuple,
  hexComment,
  humanSortPorts,
  incomingVerdict,
  isIPv4,
  isIPv6,
  normalizeAddress,
  parseTuples,
  sameRule,
} from './lib/ufw-rules.js';

type Policy = 'allow' | 'deny' | 'reject';

interface Args {
  state?: 'enabled' | 'disabled' | 'reloaded' | 'reset';
  default?: Policy;
  direction?: 'in' | 'incoming' | 'out' | 'outgoing' | 'routed';
  logging?: 'on' | 'off' | 'low' | 'medium' | 'high' | 'full';
  rule?: 'allow' | 'deny' | 'reject' | 'limit';
  to_port?: string | number;
  from_port?: string | number;
  proto?: 'any' | 'tcp' | 'udp' | 'ipv6' | 'esp' | 'ah' | 'gre' | 'igmp';
  from_ip: string;
  to_ip: string;
  interface?: string;
  comment?: string;
  delete: boolean;
}

interface Plan {
  /** ufw commands, in order. */
  commands: string[];
}

const POLICY_KEY = { incoming: 'DEFAULT_INPUT_POLICY', outgoing: 'DEFAULT_OUTPUT_POLICY', routed: 'DEFAULT_FORWARD_POLICY' } as const;
const FROM_IPTABLES: Record<string, Policy> = { ACCEPT: 'allow', DROP: 'deny', REJECT: 'reject' };
const PORTLESS = new Set(['ipv6', 'esp', 'ah', 'igmp', 'gre', 'vrrp']);
const IPV4_ONLY = new Set(['ipv6', 'igmp']);
const NUMERIC_PORTS = /^\d([0-9,:]*\d+)*$/;

interface HostState {
  conf: Record<string, string>;
  rules4: Tuple[];
  rules6: Tuple[];
  active?: boolean;
  ssh?: { src: string; dst: string; port: number };
  services: Record<string, { port: string; proto: 'tcp' | 'udp' | 'any' }>;
}

function serviceNames(args: Args): string[] {
  return [args.to_port, args.from_port].filter((p): p is string => typeof p === 'string' && !NUMERIC_PORTS.test(p) && p !== 'any');
}

function probes(args: Args): ProbeSet {
  const p: Record<string, string> = {
    // PATH may lack /usr/sbin for a non-root login; ufw lives there.
    ufw: 'PATH="$PATH:/usr/sbin:/sbin"; command -v ufw',
    conf: "grep -h '^[A-Z_0-9]*=' /etc/ufw/ufw.conf /etc/default/ufw",
    rules4: "grep -h '^### tuple' /etc/ufw/user.rules 2>/dev/null || grep -h '^### tuple' /lib/ufw/user.rules 2>/dev/null; true",
    rules6: "grep -h '^### tuple' /etc/ufw/user6.rules 2>/dev/null || grep -h '^### tuple' /lib/ufw/user6.rules 2>/dev/null; true",
    ssh: 'echo "$SSH_CONNECTION"',
  };
  // ufw.conf says what should be; `ufw status` says whether the rules are loaded now.
  if (args.state === 'enabled' || args.state === 'disabled') p.status = 'LC_ALL=C PATH="$PATH:/usr/sbin:/sbin" ufw status';
  serviceNames(args).forEach((name, i) => {
    p[`svc${i}`] = `for pr in tcp udp; do getent services ${quote(`${name}`)}/$pr; done; true`;
  });
  return Object.fromEntries(Object.entries(p).map(([k, c]) => [k, raw(c)]));
}

function parseState(s: Record<string, ProbeOutput | undefined>, args: Args): HostState {
  if (!s.ufw || s.ufw.rc !== 0) throw new ModuleError('ufw: the ufw command is not installed on this host (apt: name=ufw)');
  const conf: Record<string, string> = {};
  for (const line of (s.conf?.out ?? '').split('\n')) {
    const m = /^([A-Z_0-9]+)=(.*)$/.exec(line.trim());
    if (m) conf[m[1]!] = m[2]!.replace(/^"(.*)"$/, '$1');
  }
  const services: HostState['services'] = {};
  serviceNames(args).forEach((name, i) => {
    const lines = (s[`svc${i}`]?.out ?? '').split('\n').map((l) => l.trim().split(/\s+/)[1]).filter(Boolean) as string[];
    const tcp = lines.find((l) => l.endsWith('/tcp'));
    const udp = lines.find((l) => l.endsWith('/udp'));
    if (!tcp && !udp) throw new ModuleError(`ufw: unknown service name '${name}' (not in the host's /etc/services; give a port number)`);
    services[name] = { port: (tcp ?? udp)!.split('/')[0]!, proto: tcp && udp ? 'any' : tcp ? 'tcp' : 'udp' };
  });
  const sshParts = (s.ssh?.out ?? '').trim().split(/\s+/);
  return {
    conf,
    rules4: parseTuples(s.rules4?.out ?? ''),
    rules6: parseTuples(s.rules6?.out ?? ''),
    active: s.status ? /^Status: active/m.test(s.status.out) : undefined,
    ssh: sshParts.length === 4 ? { src: sshParts[0]!, dst: sshParts[2]!, port: Number(sshParts[3]) } : undefined,
    services,
  };
}

interface WantedRule {
  v4?: Tuple;
  v6?: Tuple;
  /** ufw skips IPv6 limit rules where ip6tables lacks the `recent` match: the v6 tuple may be missing. */
  v6Optional: boolean;
  command: string;
  summary: string;
}

/** The tuples ufw would store for this rule (ufw's parser.py and common.py, for these arguments). */
function wantedRule(args: Args, host: HostState): WantedRule {
  const direction = args.direction === 'incoming' ? 'in' : args.direction === 'outgoing' ? 'out' : args.direction ?? 'in';
  if (direction === 'routed') throw new ModuleError("ufw: direction 'routed' is for default policies; a rule's direction is in or out");
  if (args.interface !== undefined && !/^[a-zA-Z0-9_\-.+,=%@]{1,15}$/.test(args.interface)) {
    throw new ModuleError(`ufw: bad interface name '${args.interface}'`);
  }
  let proto: string = args.proto ?? 'any';
  const port = (value: string | number | undefined, which: string): { spec: string; service?: string } => {
    if (value === undefined || value === 'any') return { spec: 'any' };
    const text = String(value);
    if (NUMERIC_PORTS.test(text)) {
      for (const part of text.split(',')) {
        const nums = part.split(':').map(Number);
        if (nums.some((n) => n < 1 || n > 65535) || (nums.length === 2 && nums[0]! >= nums[1]!) || nums.length > 2) {
          throw new ModuleError(`ufw: bad ${which} '${text}'`);
        }
      }
      return { spec: humanSortPorts(text) };
    }
    if (/[,:]/.test(text)) throw new ModuleError(`ufw: bad ${which} '${text}': port ranges must be numeric`);
    const svc = host.services[text]!;
    return { spec: svc.port, service: text };
  };
  const to = port(args.to_port, 'to_port');
  const from = port(args.from_port, 'from_port');
  // A service name fixes the protocol, as ufw's parser does with /etc/services.
  for (const p of [to, from]) {
    if (!p.service) continue;
    const sp = host.services[p.service]!.proto;
    if (proto === 'any') proto = sp;
    else if (sp !== 'any' && sp !== proto) throw new ModuleError(`ufw: protocol mismatch: ${p.service} is ${sp}, proto is ${proto}`);
  }
  if ((/[,:]/.test(to.spec) || /[,:]/.test(from.spec)) && proto !== 'tcp' && proto !== 'udp') {
    throw new ModuleError("ufw: must specify proto tcp or udp with multiple ports");
  }
  if (PORTLESS.has(proto) && (to.spec !== 'any' || from.spec !== 'any')) throw new ModuleError(`ufw: invalid port with protocol '${proto}'`);

  const family = (a: string) => (a === 'any' ? 'any' : isIPv6(a) ? 'v6' : isIPv4(a) ? 'v4' : 'bad');
  const fromType = family(args.from_ip);
  const toType = family(args.to_ip);
  if (fromType === 'bad') throw new ModuleError(`ufw: bad source address '${args.from_ip}'`);
  if (toType === 'bad') throw new ModuleError(`ufw: bad destination address '${args.to_ip}'`);
  if (fromType !== 'any' && toType !== 'any' && fromType !== toType) throw new ModuleError("ufw: mixed IP versions for 'from_ip' and 'to_ip'");
  let type = fromType !== 'any' ? fromType : toType !== 'any' ? toType : 'both';
  if (IPV4_ONLY.has(proto)) {
    if (type === 'v6') throw new ModuleError(`ufw: invalid IPv6 address with protocol '${proto}'`);
    type = 'v4';
  }
  const ipv6 = (host.conf.IPV6 ?? 'yes').toLowerCase() === 'yes';
  if (type === 'v6' && !ipv6) throw new ModuleError('ufw: IPv6 rule but IPV6=no in /etc/default/ufw');

  const iface = args.interface ? `${direction}_${args.interface}` : direction;
  const tuple = (v6: boolean): Tuple => ({
    action: args.rule!,
    proto,
    dport: to.spec,
    dst: args.to_ip === 'any' ? (v6 ? '::/0' : '0.0.0.0/0') : normalizeAddress(args.to_ip, v6),
    sport: from.spec,
    src: args.from_ip === 'any' ? (v6 ? '::/0' : '0.0.0.0/0') : normalizeAddress(args.from_ip, v6),
    dapp: '-',
    sapp: '-',
    iface,
    comment: args.comment ? hexComment(args.comment) : '',
  });

  const words = ['ufw'];
  if (args.delete) words.push('delete');
  words.push(args.rule!, direction);
  if (args.interface) words.push('on', quote(args.interface));
  words.push('from', quote(args.from_ip));
  if (args.from_port !== undefined) words.push('port', quote(String(args.from_port)));
  words.push('to', quote(args.to_ip));
  if (args.to_port !== undefined) words.push('port', quote(String(args.to_port)));
  if (args.proto !== undefined) words.push('proto', args.proto);
  if (args.comment) words.push('comment', quote(args.comment));

  const summaryParts = [`${args.rule} ${direction}`, args.interface ? `on ${args.interface}` : '', `${proto === 'any' ? '' : `${proto} `}${to.spec === 'any' ? 'any port' : `port ${to.spec}`}`];
  if (args.from_ip !== 'any' || from.spec !== 'any') summaryParts.push(`from ${args.from_ip}${from.spec === 'any' ? '' : ` port ${from.spec}`}`);
  if (args.to_ip !== 'any') summaryParts.push(`to ${args.to_ip}`);
  return {
    v4: type === 'v4' || type === 'both' ? tuple(false) : undefined,
    v6: type === 'v6' || (type === 'both' && ipv6) ? tuple(true) : undefined,
    v6Optional: args.rule === 'limit' && (type === 'both'),
    command: `LC_ALL=C ${words.join(' ')}`,
    summary: summaryParts.filter(Boolean).join(' '),
  };
}

/** The rule list after adding (or replacing) or deleting one tuple, as ufw's set_rule does. */
function withRule(rules: Tuple[], t: Tuple, remove: boolean): { rules: Tuple[]; changed: boolean } {
  const i = rules.findIndex((r) => sameRule(r, t));
  if (remove) {
    const j = rules.findIndex((r) => sameRule(r, t) && r.action === t.action && (r.comment === t.comment || t.comment === ''));
    return j < 0 ? { rules, changed: false } : { rules: rules.filter((_, k) => k !== j), changed: true };
  }
  if (i < 0) return { rules: [...rules, t], changed: true };
  if (rules[i]!.action === t.action && rules[i]!.comment === t.comment) return { rules, changed: false };
  return { rules: rules.map((r, k) => (k === i ? t : r)), changed: true };
}

function policyOf(conf: Record<string, string>, direction: keyof typeof POLICY_KEY): Policy {
  return FROM_IPTABLES[conf[POLICY_KEY[direction]] ?? 'DROP'] ?? 'deny';
}

export default defineModule<Args, Plan>({
  name: 'ufw',
  speculative: true,
  ansibleNames: ['community.general.ufw'],
  summary: 'Manage the ufw firewall: rules, default policies, logging, enable/disable',
  description:
    'community.general.ufw\'s arguments. The check reads ufw\'s rule files (the `### tuple ###` lines), ufw.conf and ' +
    '/etc/default/ufw in one command and computes the tuples ufw would store (service names such as ssh resolved ' +
    'through the host\'s /etc/services, addresses normalized as ufw does), so an existing rule is "no change" and ufw is ' +
    'not run at all. Several of state/default/rule/logging may be given in one task: the rule and policies are applied ' +
    'first, then the state. Enabling the firewall, or changing an active one, so that new SSH connections to the port ' +
    'in use ($SSH_CONNECTION on the host, else ansible_port, else 22) would be blocked is refused.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      state: {
        enum: ['enabled', 'disabled', 'reloaded', 'reset'],
        description: 'enabled: load the rules and enable at boot; disabled: unload and disable; reloaded: reload the rules (an action); reset: back to installation defaults (disables the firewall).',
      },
      default: { enum: ['allow', 'deny', 'reject'], description: 'Default policy for the direction given (incoming unless direction says otherwise).' },
      direction: {
        enum: ['in', 'incoming', 'out', 'outgoing', 'routed'],
        description: 'For a rule: in (default) or out. For default: incoming (default), outgoing or routed.',
      },
      logging: { enum: ['on', 'off', 'low', 'medium', 'high', 'full'], description: 'Logging level (on: low unless a level is already set).' },
      rule: { enum: ['allow', 'deny', 'reject', 'limit'], description: 'Add (or with delete, remove) a rule with this action.' },
      to_port: { type: ['string', 'integer'], description: "Destination port: a number, a service name from /etc/services (ssh), a list '80,443' or a range '6000:6010' (lists and ranges need proto tcp or udp)." },
      from_port: { type: ['string', 'integer'], description: 'Source port, same forms as to_port.' },
      proto: { enum: ['any', 'tcp', 'udp', 'ipv6', 'esp', 'ah', 'gre', 'igmp'], description: 'Protocol (default any, or the one a service name implies).' },
      from_ip: { type: 'string', default: 'any', description: 'Source address or network (any, 10.0.0.0/8, 2001:db8::/32).' },
      to_ip: { type: 'string', default: 'any', description: 'Destination address or network.' },
      interface: { type: 'string', description: 'Network interface the rule applies to (with direction in or out).' },
      comment: { type: 'string', pattern: "^[^']*$", description: 'Comment stored with the rule (ufw refuses single quotes in comments).' },
      delete: { type: 'boolean', default: false, description: 'Remove the rule instead of adding it.' },
    },
  },
  aliases: { port: 'to_port', from: 'from_ip', src: 'from_ip', to: 'to_ip', dest: 'to_ip', policy: 'default', if: 'interface', protocol: 'proto' },
  examples: `# ufw allow in ssh
- ufw: {rule: allow, direction: in, port: ssh}
# ufw allow out 5432/tcp
- ufw: {rule: allow, direction: out, port: '5432', proto: tcp}
- ufw: {state: enabled, policy: deny}`,

  probes: (args) => {
    if (!args.state && !args.default && !args.rule && !args.logging) throw new ModuleError('ufw: give at least one of state, default (policy), rule, logging');
    return probes(args);
  },
  async check(ctx, args, probed) {
    const host = parseState(probed as Record<string, ProbeOutput>, args);
    const commands: string[] = [];
    const changes: string[] = [];
    const unchanged: string[] = [];
    let rules4 = host.rules4;
    let rules6 = host.rules6;
    let conf = { ...host.conf };
    const enabledNow = host.active ?? conf.ENABLED === 'yes';
    let incomingTouched = false;

    if (args.state === 'reset') {
      commands.push('LC_ALL=C ufw --force reset');
      changes.push('reset the firewall to its installation defaults');
      rules4 = [];
      rules6 = [];
    }

    if (args.default) {
      const dir = args.direction === 'in' ? 'incoming' : args.direction === 'out' ? 'outgoing' : args.direction ?? 'incoming';
      const current = policyOf(conf, dir);
      if (current === args.default) unchanged.push(`default ${dir} policy is ${current}`);
      else {
        commands.push(`LC_ALL=C ufw default ${args.default} ${dir}`);
        changes.push(`default ${dir} policy ${current} → ${args.default}`);
        conf[POLICY_KEY[dir]] = { allow: 'ACCEPT', deny: 'DROP', reject: 'REJECT' }[args.default];
        if (dir === 'incoming') incomingTouched = true;
      }
    }

    if (args.rule) {
      const want = wantedRule(args, host);
      const r4 = want.v4 ? withRule(rules4, want.v4, args.delete) : { rules: rules4, changed: false };
      const r6 = want.v6 ? withRule(rules6, want.v6, args.delete) : { rules: rules6, changed: false };
      // A missing IPv6 limit rule is what ufw leaves where ip6tables cannot rate-limit.
      const v6Missing = r6.changed && !(want.v6Optional && !args.delete && !rules6.some((r) => sameRule(r, want.v6!)));
      if (r4.changed || v6Missing) {
        commands.push(want.command);
        const shown = [want.v4, want.v6].filter(Boolean).map((t) => formatTuple(t!)).join(' / ');
        changes.push(`${args.delete ? 'delete' : 'add'} rule ${want.summary} (${shown})`);
        rules4 = r4.rules;
        rules6 = r6.rules;
        incomingTouched ||= !want.v4 || want.v4.iface.startsWith('in');
      } else {
        unchanged.push(args.delete ? `no rule ${want.summary}` : `rule ${want.summary} present`);
      }
    }

    if (args.logging) {
      const level = (conf.LOGLEVEL ?? 'low').toLowerCase();
      const same = args.logging === 'on' ? level !== 'off' : args.logging === level;
      if (same) unchanged.push(`logging ${level}`);
      else {
        commands.push(`LC_ALL=C ufw logging ${args.logging}`);
        changes.push(`logging ${level} → ${args.logging}`);
      }
    }

    let enabledAfter = args.state === 'reset' ? false : enabledNow;
    if (args.state === 'enabled') {
      if (enabledNow) unchanged.push('firewall active');
      else {
        commands.push('LC_ALL=C ufw --force enable');
        changes.push('enable the firewall');
        enabledAfter = true;
        incomingTouched = true;
      }
    } else if (args.state === 'disabled') {
      if (!enabledNow) unchanged.push('firewall inactive');
      else {
        commands.push('LC_ALL=C ufw disable');
        changes.push('disable the firewall');
        enabledAfter = false;
      }
    } else if (args.state === 'reloaded') {
      commands.push('LC_ALL=C ufw reload');
      changes.push('reload the firewall');
    }

    if (!commands.length) return { changed: false, reason: unchanged.join('; ') };

    if (enabledAfter && incomingTouched) guardSsh(ctx.host, ctx.vars, host, rules4, rules6, policyOf(conf, 'incoming'));

    return {
      changed: true,
      description: changes.join('; '),
      plan: { commands },
      ...(args.state === 'reloaded' || args.state === 'reset' ? { kind: 'run' as const } : {}),
    };
  },

  async apply(ctx, _args, change) {
    for (const c of change.plan!.commands) await ctx.run(c);
  },
});

/** Refuses a change that would leave an active firewall blocking new SSH connections to this host. */
function guardSsh(
  hostName: string,
  vars: Readonly<Record<string, unknown>>,
  host: HostState,
  rules4: Tuple[],
  rules6: Tuple[],
  policy: Policy,
): void {
  if (!host.ssh && vars.ansible_connection === 'local') return;
  const port = host.ssh?.port ?? Number(vars.ansible_port ?? vars.ansible_ssh_port ?? 22);
  const v6 = host.ssh ? isIPv6(host.ssh.src) : false;
  const verdict = incomingVerdict(v6 ? rules6 : rules4, policy, { src: host.ssh?.src, dst: host.ssh?.dst, port });
  if (verdict.allowed) return;
  const via = host.ssh ? `this connection comes from ${host.ssh.src} to port ${port}` : `SSH port ${port} from ansible_port/default`;
  throw new ModuleError(
    `ufw: refusing to change the firewall on ${hostName}: new SSH connections on port ${port}/tcp would be blocked ` +
      `(${verdict.by}; ${via}). Allow it first, e.g. ufw: {rule: allow, port: '${port}', proto: tcp}`,
  );
}
