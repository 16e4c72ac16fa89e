// ssh_keypair: an OpenSSH key pair that exists (generated when missing, as the owner), like
// community.crypto.openssh_keypair. An existing key is never replaced; its comment, owner,
// group and mode are corrected. The public key and fingerprint are read in the check's probe
// and returned as the result, so other hosts' authorized_key tasks can use them.
import { ModuleError, applyAttrsScript, attrChanges, attrSchema, cmd, defineModule, parseStat, quote, raw, resolveAttrs, statProbe, type ProbeOutput, type ResolvedAttrs } from '../sdk/index.js';

interface Args {
  path: string;
  type: 'rsa' | 'ed25519';
  size?: number;
  comment?: string;
  owner?: string;
  group?: string;
  mode: string | number;
}

interface Plan {
  generate: boolean;
  /** Rebuild the missing .pub from the private key. */
  writePublic: boolean;
  setComment: boolean;
  attrs: ResolvedAttrs;
  fixPrivate: boolean;
  fixPublic: boolean;
}

interface KeyInfo {
  public_key: string;
  fingerprint: string;
  type: string;
  size: number;
  comment: string;
}

/** Parses `cat KEY.pub` and `ssh-keygen -l -f KEY.pub` ("3072 SHA256:… comment (RSA)"). */
function parseKeyInfo(pub: string, fingerprintLine: string): KeyInfo | undefined {
  const f = pub.trim().split(/\s+/);
  const m = /^(\d+) (\S+) (.*?) ?\(([A-Z0-9-]+)\)$/.exec(fingerprintLine.trim());
  if (f.length < 2 || !m) return undefined;
  return {
    public_key: `${f[0]} ${f[1]}`,
    fingerprint: m[2]!,
    type: m[4]!.toLowerCase(),
    size: Number(m[1]),
    comment: f.slice(2).join(' '),
  };
}

function infoProbe(path: string): string {
  const pub = quote(`${path}.pub`);
  return `if [ -f ${pub} ]; then cat ${pub}; echo '@@fp'; ssh-keygen -l -f ${pub}; fi`;
}

function parseInfo(out: string): KeyInfo | undefined {
  const [pub, fp] = out.split('@@fp\n');
  return fp === undefined ? undefined : parseKeyInfo(pub!, fp);
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export default defineModule<Args, Plan>({
  name: 'ssh_keypair',
  speculative: true,
  ansibleNames: ['openssh_keypair', 'community.crypto.openssh_keypair'],
  summary: 'Generate an OpenSSH key pair if missing (community.crypto.openssh_keypair)',
  description:
    'Generates PATH and PATH.pub with `ssh-keygen -q -N \'\' -t TYPE -f PATH` (run as owner when given, so the ' +
    'files and a missing parent folder (mode 0700) belong to that user). An existing key is kept whatever its type; ' +
    'its comment is updated in PATH.pub (rebuilt from the private key: `ssh-keygen -c` of OpenSSH 7.4 refuses PEM RSA keys), ' +
    'a missing PATH.pub is rebuilt, and owner/group/mode are corrected. ' +
    'Result: public_key ("ssh-rsa AAAA…"), fingerprint, type, size, comment, filename.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', pattern: '^/', description: 'Absolute path of the private key; the public key is PATH.pub.' },
      type: { enum: ['rsa', 'ed25519'], default: 'rsa', description: 'Key type for a new key.' },
      size: { type: 'integer', minimum: 1024, description: 'Bits of a new RSA key (default 3072).' },
      comment: { type: 'string', description: "The key's comment (default for a new key: ssh-keygen's user@host)." },
      owner: { ...attrSchema.owner, description: 'User owning the key; the key is generated as this user.' },
      group: attrSchema.group,
      mode: { ...attrSchema.mode, default: '0600', description: 'Permissions of the private key (default 0600).' },
    },
  },
  examples: `# su postgres; ssh-keygen -P '' -f /var/lib/postgresql/.ssh/id_rsa
- ssh_keypair: {path: /var/lib/postgresql/.ssh/id_rsa, owner: postgres, group: postgres}
  register: pg_key`,

  probes: (args) => ({
    key: raw(statProbe(args.path)),
    pubstat: raw(statProbe(`${args.path}.pub`)),
    info: raw(infoProbe(args.path)),
    keygen: raw('command -v ssh-keygen'),
  }),
  async check(ctx, args, probed) {
    const out = probed as Record<'key' | 'pubstat' | 'info' | 'keygen', ProbeOutput>;
    if (out.keygen?.rc !== 0) throw new ModuleError(`ssh_keypair: ssh-keygen is not installed on ${ctx.host} (openssh-client)`);
    const key = parseStat(out.key?.out ?? '');
    const pubStat = parseStat(out.pubstat?.out ?? '');
    const filename = args.path;
    const plan: Plan = { generate: false, writePublic: false, setComment: false, attrs: {}, fixPrivate: false, fixPublic: false };

    if (key.kind === 'absent') {
      plan.generate = true;
      plan.attrs = resolveAttrs({ owner: args.owner, group: args.group, mode: args.mode }, key);
      const size = args.type === 'rsa' ? ` ${args.size ?? 3072}-bit` : '';
      return { changed: true, description: `generate a new${size} ${args.type} key pair ${args.path}`, plan, result: { filename } };
    }
    if (key.kind !== 'file') throw new ModuleError(`ssh_keypair: ${args.path} exists and is not a regular file`);

    const info = parseInfo(out.info?.out ?? '');
    const changes: string[] = [];
    plan.attrs = resolveAttrs({ owner: args.owner, group: args.group, mode: args.mode }, key);
    const privateChanges = attrChanges(key, plan.attrs);
    if (privateChanges.length) {
      plan.fixPrivate = true;
      changes.push(`${args.path}: ${privateChanges.join(', ')}`);
    }
    if (!info) {
      plan.writePublic = true;
      changes.push(`rebuild ${args.path}.pub from the private key`);
    } else {
      const pubChanges = attrChanges(pubStat, { owner: args.owner, group: args.group });
      if (pubChanges.length) {
        plan.fixPublic = true;
        changes.push(`${args.path}.pub: ${pubChanges.join(', ')}`);
      }
    }
    if (args.comment !== undefined && (!info || info.comment !== args.comment)) {
      plan.setComment = true;
      changes.push(info ? `comment '${info.comment}' → '${args.comment}'` : `comment → '${args.comment}'`);
    }
    const result = { filename, ...(info ?? {}) };
    if (!changes.length) {
      const kept = info!.type !== args.type ? ` (${args.type} was asked; the existing key is kept)` : '';
      return { changed: false, reason: `${info!.type} key ${args.path} exists, ${info!.fingerprint}${kept}`, result };
    }
    return { changed: true, description: changes.join('; '), plan, result };
  },

  async apply(ctx, args, change) {
    const plan = change.plan!;
    const p = quote(args.path);
    const pub = quote(`${args.path}.pub`);
    // ssh-keygen runs as the owner so that the key, and a parent folder it needs, are theirs.
    const asOwner = args.owner !== undefined ? { becomeUser: args.owner } : {};
    if (plan.generate) {
      const words = ['ssh-keygen', '-q', '-N', '', '-t', args.type];
      if (args.type === 'rsa') words.push('-b', String(args.size ?? 3072));
      words.push('-f', args.path);
      if (args.comment !== undefined) words.push('-C', args.comment);
      await ctx.run(`(umask 077 && mkdir -p -- ${quote(dirOf(args.path))}) && rm -f -- ${pub} && ${cmd(...words)} </dev/null`, asOwner);
    }
    // ssh-keygen refuses a private key that others can read: fix its mode before using it.
    if (plan.generate || plan.fixPrivate) await ctx.run(applyAttrsScript(args.path, plan.attrs));
    // The comment lives in PATH.pub: a PEM key (ssh-keygen's default for RSA up to 7.7) has
    // none of its own, and OpenSSH 7.4's `ssh-keygen -c` refuses such keys. So the .pub is
    // rebuilt from the private key's public half plus the comment, on every OpenSSH.
    if (plan.writePublic || plan.setComment) {
      const comment = args.comment !== undefined ? ` ${quote(args.comment)}` : '';
      const format = args.comment !== undefined ? `'%s %s %s\\n' "$1" "$2"` : `'%s %s\\n' "$1" "$2"`;
      await ctx.run(`k=$(ssh-keygen -y -f ${p}) && set -- $k && printf ${format}${comment} > ${pub}`, asOwner);
    }
    const fixPublic = plan.generate || plan.fixPublic || plan.writePublic ? applyAttrsScript(`${args.path}.pub`, { owner: args.owner, group: args.group }) : '';
    const info = parseInfo(await ctx.run([fixPublic, infoProbe(args.path)].filter(Boolean).join(' && ')));
    return { result: { filename: args.path, ...(info ?? {}) } };
  },
});
