// slurp: Ansible's slurp — a remote file's bytes, base64-encoded, for `register` (then
// `{{ r.content | b64decode }}`). One round trip; reads only.
import { ModuleError, defineModule, probe, type Probed } from '../sdk/index.js';
import { HOME_PROBE, expandHome, shPath } from './lib/home-path.js';

interface Args {
  src: string;
}

/** What is at the path, then its bytes in base64 when it is a readable file. */
function probes(src: string) {
  const p = shPath(src);
  return {
    kind: probe(`if [ -d ${p} ]; then echo dir; elif [ ! -e ${p} ]; then echo absent; elif [ ! -r ${p} ]; then echo unreadable; else echo file; fi`, (o) => o.out.trim()),
    home: probe(HOME_PROBE, (o) => o.out),
    content: probe(`if [ -f ${p} ] && [ -r ${p} ]; then base64 < ${p}; elif [ -e ${p} ] && [ ! -d ${p} ] && [ -r ${p} ]; then cat -- ${p} | base64; fi`, (o) => o),
  };
}

export default defineModule<Args>({
  name: 'slurp',
  speculative: true,
  ansibleNames: ['ansible.builtin.slurp'],
  summary: "Read a remote file's content, base64-encoded (Ansible's slurp)",
  description: [
    "Ansible's slurp: the registered result holds `content` (the file's bytes in base64),",
    "`encoding: base64` and `source`, as Ansible's does: decode it with `b64decode`. The bytes",
    'travel base64-encoded in one round trip (no Python on the host). Never changes anything.',
  ].join('\n'),
  aliases: { path: 'src' },
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['src'],
    properties: {
      src: { type: 'string', minLength: 1, description: 'The remote file to read (alias: path).' },
    },
  },
  examples: [
    '- slurp:',
    '    src: /var/lib/postgresql/15/main/PG_VERSION',
    '  register: pg_version',
    '- debug:',
    '    msg: "{{ pg_version.content | b64decode | trim }}"',
  ].join('\n'),
  probes: (a) => probes(a.src),
  async check(_ctx, a, probed) {
    const got = probed as Probed<ReturnType<typeof probes>>;
    const source = expandHome(a.src, got.home);
    if (got.kind === 'absent') throw new ModuleError(`file not found: ${source}`);
    if (got.kind === 'dir') throw new ModuleError(`source is a directory and must be a file: ${source}`);
    if (got.kind === 'unreadable') throw new ModuleError(`file is not readable: ${source}`);
    if (got.kind !== 'file' || got.content.rc !== 0) throw new ModuleError(`unable to slurp file: ${source}: ${got.content.out.trim() || got.kind}`);
    const bytes = Buffer.from(got.content.out, 'base64');
    return {
      changed: false,
      reason: `${bytes.length} bytes read from ${source}`,
      result: { content: bytes.toString('base64'), source, encoding: 'base64' },
    };
  },
  async apply() {
    // check never reports a change.
  },
});
