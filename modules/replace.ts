// replace: Ansible's replace — every match of a Python regular expression (MULTILINE) replaced,
// optionally only between the `after` and `before` matches. The file is read in one round trip,
// the new content computed here, and written atomically.
import { ModuleError, type CheckResult, type ModuleContext, defineModule, PyRegexError, compilePyRegex, expandTemplate, type PyRegex, attrSchema } from '../sdk/index.js';
import { applyEdit, editChange, editProbes, fileForEdit, type EditPlan } from './lib/in-place-edit.js';
import { decodeUtf8, encodeText } from './lib/text-encoding.js';

interface Args {
  path: string;
  regexp: string;
  replace: string;
  after?: string;
  before?: string;
  backup: boolean;
  validate?: string;
  encoding: string;
  owner?: string;
  group?: string;
  mode?: string | number;
  follow: boolean;
}

const isUtf8 = (e: string): boolean => /^utf-?8$/i.test(e);

/** Text of the task (regexp, replace…) as the file's bytes, one char per byte. */
function bytesOf(text: string, encoding: string, what: string): string {
  return encodeText(text, encoding, what).toString('latin1');
}

function compile(pattern: string, what: string): PyRegex {
  try {
    return compilePyRegex(pattern);
  } catch (e) {
    if (e instanceof PyRegexError) throw new ModuleError(`replace: bad regular expression in ${what}: ${e.message}`);
    throw e;
  }
}

/** Python's re.subn(pattern, template, text): every non-overlapping match replaced. */
export function subn(rx: PyRegex, template: string, text: string): { text: string; count: number } {
  const re = new RegExp(rx.re.source, `${rx.re.flags.replace('g', '')}g`);
  let out = '';
  let last = 0;
  let count = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    let piece: string;
    try {
      piece = expandTemplate(template, rx, m);
    } catch (e) {
      if (e instanceof PyRegexError) throw new ModuleError(`replace: bad replacement string: ${e.message}`);
      throw e;
    }
    out += text.slice(last, m.index) + piece;
    last = m.index + m[0].length;
    count++;
    if (m[0] === '') re.lastIndex++;
  }
  return { text: out + text.slice(last), count };
}

/** The edit on the file's bytes (binary string); undefined section bounds: the whole file. */
export function replaceIn(a: Args, contents: string): { after: string; count: number; message: string } {
  const b = (t: string, what: string) => bytesOf(t, a.encoding, what);
  let section = contents;
  let bounds: [number, number] | undefined;
  // Ansible tests these for truth: an empty after/before is as if not given.
  const sectionPattern = (f: (t: string, what: string) => string): string =>
    a.after && a.before
      ? `${f(a.after, 'after')}(?P<subsection>.*?)${f(a.before, 'before')}`
      : a.after
        ? `${f(a.after, 'after')}(?P<subsection>.*)`
        : a.before
          ? `(?P<subsection>.*)${f(a.before, 'before')}`
          : '';
  const pattern = sectionPattern(b);
  if (pattern) {
    const rx = compile(`(?s)${pattern}`, 'after/before');
    const m = new RegExp(rx.re.source, `${rx.re.flags}d`).exec(contents);
    if (!m) return { after: contents, count: 0, message: `Pattern for before/after params did not match the given file: ${sectionPattern((t) => t)}` };
    const g = rx.groupIndex.get('subsection')!;
    bounds = m.indices![g] as [number, number];
    section = contents.slice(bounds[0], bounds[1]);
  }
  const r = subn(compile(`(?m)${b(a.regexp, 'regexp')}`, 'regexp'), b(a.replace, 'replace'), section);
  if (r.count === 0 || r.text === section) return { after: contents, count: 0, message: 'nothing to replace' };
  const after = bounds ? contents.slice(0, bounds[0]) + r.text + contents.slice(bounds[1]) : r.text;
  return { after, count: r.count, message: `${r.count} replacements made` };
}

async function check(_ctx: ModuleContext, a: Args, probed: Record<string, unknown>): Promise<CheckResult<EditPlan>> {
  const { file, st } = fileForEdit(probed, 'replace', a);
  if (file.content === undefined) throw new ModuleError(`Path ${a.path} does not exist !`, { rc: 257 });
  if (isUtf8(a.encoding)) decodeUtf8(file.content, a.path);
  const r = replaceIn(a, file.content.toString('latin1'));
  const change = editChange(a, file, st, r.count > 0 ? { text: r.after, message: r.message } : undefined, { rc: 0 });
  return change ?? { changed: false, reason: r.message, result: { msg: r.message.startsWith('Pattern') ? r.message : '', rc: 0 } };
}

export default defineModule<Args, EditPlan>({
  name: 'replace',
  speculative: true,
  ansibleNames: ['ansible.builtin.replace'],
  summary: "Replace every match of a regular expression in a file (Ansible's replace)",
  description: [
    "Ansible's replace with the same arguments: `regexp` is a Python regular expression in",
    'MULTILINE mode (^ and $ at every line); every match is replaced by `replace`, where \\1,',
    '\\g<1> and \\g<name> are the groups. With `after` and/or `before` only the text between the',
    'first match of `after` and the (first following) match of `before` is edited (DOTALL:',
    '`.` also matches newlines there); when they do not match nothing changes. The file is read',
    'in one round trip and written atomically (owner, mode and POSIX ACL kept; validate, backup).',
    'Unlike Ansible, matching works on the bytes of the file in its `encoding` (as lineinfile',
    'matches): with UTF-8 files `.` is one byte and \\w matches ASCII word characters only.',
    "Links: the target of a link is edited only with `follow: true` (Ansible's replace always",
    "follows; whoever can write the link's folder could have pointed it at another file).",
  ].join('\n'),
  aliases: { dest: 'path', destfile: 'path', name: 'path' },
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path', 'regexp'],
    properties: {
      path: { type: 'string', minLength: 1, description: 'The file to edit (aliases: dest, destfile, name).' },
      regexp: { type: 'string', description: 'Python regular expression (MULTILINE) whose matches are replaced.' },
      replace: { type: 'string', default: '', description: 'The replacement; \\1, \\g<name> are the groups (default: remove the matches).' },
      after: { type: 'string', description: 'Only replace after the first match of this expression.' },
      before: { type: 'string', description: 'Only replace before the match of this expression.' },
      backup: { type: 'boolean', default: false, description: 'Keep a timestamped copy of the old file.' },
      validate: { type: 'string', description: 'Command run on the new content before it replaces the file; %s is the temp file.' },
      encoding: { type: 'string', default: 'utf-8', description: 'The encoding of the file (utf-8 or a single-byte code page such as cp1251).' },
      ...attrSchema,
      follow: { type: 'boolean', default: false, description: "Edit the target of a link at path (else a link is an error: it may have been planted)." },
    },
  },
  examples: [
    '- replace:',
    '    path: /etc/postgresql/15/main/pg_hba.conf',
    "    regexp: '^(host\\s+all\\s+all\\s+)127\\.0\\.0\\.1/32(\\s+)md5$'",
    "    replace: '\\g<1>10.0.0.0/8\\g<2>scram-sha-256'",
    '- replace:',
    '    path: /etc/hosts',
    "    after: '# BEGIN cluster'",
    "    before: '# END cluster'",
    "    regexp: '^10\\.0\\.0\\.5 '",
    "    replace: '10.0.0.6 '",
  ].join('\n'),
  probes: editProbes,
  check,
  apply: (ctx, args, change) => applyEdit(ctx, args, change.plan!, { rc: 0 }),
});
