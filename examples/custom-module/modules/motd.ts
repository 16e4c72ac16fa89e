// motd: the message of the day, as a custom tsplay module written in TypeScript. tsplay loads
// it from a `modules/` folder beside the playbook, or from `--module-path DIR`; a .ts file is
// transpiled on the fly. The module's logic runs in tsplay; the host only runs sh commands.
import { defineModule, quote } from 'tsplay';

interface Args {
  message: string;
  header?: string;
  path: string;
  mode: string | number;
}

interface Plan {
  content: string;
  mode: string;
}

/** YAML 1.1 reads an unquoted 0644 as the integer 420: as in Ansible, that is the octal mode. */
const octal = (mode: string | number): string => (typeof mode === 'number' ? mode.toString(8) : mode).padStart(4, '0');

const contentOf = (a: Args): string => `${a.header ? `${a.header}\n\n` : ''}${a.message.trimEnd()}\n`;

export default defineModule<Args, Plan>({
  name: 'motd',
  summary: 'Set the message of the day (/etc/motd)',
  description:
    'Writes the message (after an optional header line) to the motd file, atomically, with the ' +
    'given mode. check reads the file and its mode in one round trip and shows a diff of the text.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['message'],
    properties: {
      message: { type: 'string', minLength: 1, description: 'The message shown at login.' },
      header: { type: 'string', description: 'A first line above the message, such as the host name.' },
      path: { type: 'string', default: '/etc/motd', description: 'The motd file.' },
      mode: { type: ['string', 'integer'], pattern: '^0?[0-7]{3}$', default: '0644', description: 'File mode, octal.' },
    },
  },
  aliases: { msg: 'message', dest: 'path' },
  examples: `- motd:
    header: "{{ inventory_hostname }}"
    message: This host is managed by tsplay.`,

  async check(ctx, a) {
    const content = contentOf(a);
    const mode = octal(a.mode);
    // One round trip: the mode on the first line, then the content (or "absent").
    const out = await ctx.run(`if [ -f ${quote(a.path)} ]; then stat -c %a -- ${quote(a.path)} && cat -- ${quote(a.path)}; else echo absent; fi`);
    const nl = out.indexOf('\n');
    const first = out.slice(0, nl);
    const exists = first !== 'absent';
    const before = exists ? out.slice(nl + 1) : '';
    const haveMode = exists ? first.padStart(4, '0') : undefined;
    const changes = [
      ...(!exists ? ['create it'] : before !== content ? ['new message'] : []),
      ...(exists && haveMode !== mode ? [`mode ${haveMode} → ${mode}`] : []),
    ];
    if (!changes.length) return { changed: false, reason: `${a.path} already holds this message` };
    return {
      changed: true,
      description: `${a.path}: ${changes.join(', ')}`,
      kind: exists ? 'modify' : 'create',
      diffs: before === content ? [] : [{ path: a.path, before, after: content }],
      plan: { content, mode },
    };
  },

  async apply(ctx, a, change) {
    const { content, mode } = change.plan!;
    await ctx.writeFile(a.path, content, { mode });
  },
});
