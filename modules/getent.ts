// getent: Ansible's getent — entries of a name service database (passwd, group, hosts, services…)
// as the fact getent_<database>. One round trip; reads only.
import { ModuleError, defineModule, quote, raw, type ProbeOutput } from '../sdk/index.js';

interface Args {
  database: string;
  key?: string;
  service?: string;
  split?: string;
  fail_key: boolean;
}

const COLON = ['passwd', 'shadow', 'group', 'gshadow'];

/** Python's str.split(sep): with no separator, runs of whitespace and no empty ends. */
function pySplit(line: string, sep: string | undefined): string[] {
  if (sep === undefined) return line.split(/[ \t\n\r\f\v]+/).filter((w) => w !== '');
  return line.split(sep);
}

/** getent's output as Ansible's getent shapes it: first field → the other fields (a list of them when repeated). */
export function parseGetent(out: string, split: string | undefined): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  const seen = new Map<string, number>();
  const lines = out.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const record = pySplit(line, split);
    const key = record[0] ?? '';
    const rest = record.slice(1);
    const n = seen.get(key);
    if (n === undefined) {
      tree[key] = rest;
      seen.set(key, 1);
    } else {
      if (n === 1) tree[key] = [tree[key]];
      (tree[key] as unknown[]).push(rest);
      seen.set(key, n + 1);
    }
  }
  return tree;
}

export default defineModule<Args>({
  name: 'getent',
  ansibleNames: ['ansible.builtin.getent'],
  summary: "Entries of a name service database as the fact getent_<database> (Ansible's getent)",
  description: [
    "Ansible's getent: runs getent(1) DATABASE [KEY] [-s SERVICE] and sets the fact",
    'getent_<database>: each entry\'s first field maps to its other fields (split at `:` for',
    'passwd, shadow, group and gshadow, else at whitespace, or at `split`). A missing key fails',
    'the task unless `fail_key: false` (then the key maps to null). Never changes anything.',
  ].join('\n'),
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['database'],
    properties: {
      database: { type: 'string', minLength: 1, description: 'The database: passwd, group, hosts, services, shadow…' },
      key: { type: 'string', description: 'Only this entry (a name or a number).' },
      service: { type: 'string', description: 'Override the name service (getent -s).' },
      split: { type: 'string', minLength: 1, description: 'The field separator (default : for passwd, shadow, group, gshadow; else whitespace).' },
      fail_key: { type: 'boolean', default: true, description: 'Fail when the key is missing.' },
    },
  },
  examples: [
    '- getent:',
    '    database: passwd',
    '    key: postgres',
    '- debug:',
    "    msg: \"postgres' home is {{ getent_passwd.postgres[4] }}\"",
  ].join('\n'),
  probes(a) {
    const words = ['getent', quote(a.database), ...(a.key !== undefined ? [quote(a.key)] : []), ...(a.service !== undefined ? ['-s', quote(a.service)] : [])];
    // A probe's stderr joins its stdout: getent's own is dropped, the entries are parsed.
    return { entries: raw(`command -v getent >/dev/null 2>&1 || { echo 'getent: not found on the host'; exit 127; }; ${words.join(' ')} 2>/dev/null`) };
  },
  async check(_ctx, a, probed) {
    const { out, rc } = probed.entries as ProbeOutput;
    const r = { code: rc, stdout: out };
    const dbtree = `getent_${a.database}`;
    const split = a.split ?? (COLON.includes(a.database) ? ':' : undefined);
    if (r.code === 0) {
      const facts = { [dbtree]: parseGetent(r.stdout, split) };
      return { changed: false, reason: `${Object.keys(facts[dbtree]!).length} entries of ${a.database}`, result: { ansible_facts: facts }, facts };
    }
    if (r.code === 2 && !a.fail_key) {
      const facts = { [dbtree]: { [a.key ?? '']: null } };
      const msg = 'One or more supplied key could not be found in the database.';
      return { changed: false, reason: msg, result: { ansible_facts: facts, msg }, facts };
    }
    const msg =
      r.code === 1
        ? 'Missing arguments, or database unknown.'
        : r.code === 2
          ? 'One or more supplied key could not be found in the database.'
          : r.code === 3
            ? 'Enumeration not supported on this database.'
            : r.code === 127
              ? r.stdout.trim() || 'getent: not found on the host'
              : 'Unexpected failure!';
    throw new ModuleError(msg);
  },
  async apply() {
    // check never reports a change.
  },
});
