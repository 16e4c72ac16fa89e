// file_line: Ansible's lineinfile, with the same arguments and byte-identical results. The file
// is read (content + stat) in one round trip, the new content is computed here, and apply writes
// it atomically.
import { ModuleError, PyRegexError, applyAttrsScript, attrChanges, attrSchema, checkValidate, defineModule, fileProbes, followed, fromBinary, quote, remoteFileOf, resolveAttrs, toBinary, type ApplyResult, type CheckResult, type ModuleContext, type ResolvedAttrs } from '../sdk/index.js';
import { type EditResult, absent, present, readLines } from './lib/lineinfile.js';

interface Args {
  path: string;
  line?: string | number | boolean;
  regexp?: string;
  search_string?: string;
  state: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
  firstmatch: boolean;
  backrefs: boolean;
  create: boolean;
  backup: boolean;
  validate?: string;
  owner?: string;
  group?: string;
  mode?: string | number;
  follow: boolean;
}

interface Plan {
  /** New content (binary string), undefined when only attributes change. */
  content?: string;
  /** The file does not exist yet: create its folder first. */
  create: boolean;
  attrs: ResolvedAttrs;
  message: string;
  found?: number;
}

const MUTUALLY_EXCLUSIVE: [keyof Args, keyof Args][] = [
  ['insertbefore', 'insertafter'],
  ['regexp', 'search_string'],
  ['backrefs', 'search_string'],
];

/** Ansible's str conversion of a scalar given for `line`. */
function lineText(v: string | number | boolean): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

function checkArgs(a: Args): void {
  for (const [x, y] of MUTUALLY_EXCLUSIVE) {
    if (a[x] !== undefined && a[y] !== undefined && !(x === 'backrefs' && a.backrefs === false)) {
      throw new ModuleError(`parameters are mutually exclusive: ${x}|${y}`);
    }
  }
  if (a.state === 'present') {
    if (a.backrefs && a.regexp === undefined) throw new ModuleError('regexp is required with backrefs=true');
    if (a.line === undefined) throw new ModuleError('line is required with state=present');
  } else if (a.regexp === undefined && a.search_string === undefined && a.line === undefined) {
    throw new ModuleError('one of line, search_string, or regexp is required with state=absent');
  }
}

function edit(a: Args, lines: string[]): EditResult {
  const bin = (s: string | undefined) => (s === undefined ? undefined : toBinary(s));
  try {
    if (a.state === 'absent') {
      return absent(lines, { line: a.line === undefined ? undefined : toBinary(lineText(a.line)), regexp: bin(a.regexp), searchString: bin(a.search_string) });
    }
    const noInsert = a.insertafter === undefined && a.insertbefore === undefined;
    return present(lines, {
      line: toBinary(lineText(a.line!)),
      regexp: bin(a.regexp),
      searchString: bin(a.search_string),
      insertafter: noInsert ? 'EOF' : bin(a.insertafter),
      insertbefore: bin(a.insertbefore),
      backrefs: a.backrefs,
      firstmatch: a.firstmatch,
    });
  } catch (e) {
    if (e instanceof PyRegexError) throw new ModuleError(`file_line ${a.path}: bad regular expression or backrefs line: ${e.message}`);
    throw e;
  }
}

async function check(ctx: ModuleContext, a: Args, probed: Record<string, unknown>): Promise<CheckResult<Plan>> {
  checkArgs(a);
  if (a.regexp === '' || a.search_string === '') {
    ctx.log(`file_line: the ${a.regexp === '' ? 'regular expression' : 'search string'} is an empty string, which will match every line in the file`);
  }
  const file = remoteFileOf(probed, a.path);
  if (file.stat.kind === 'link' && !a.follow) {
    throw new ModuleError(
      `${a.path} is a symbolic link (to ${file.stat.linkTarget}): file_line edits a link's target only with follow: true ` +
        "(whoever can write the link's folder could have pointed it at another file)",
    );
  }
  const st = followed(file.stat);
  if (st.kind === 'directory') throw new ModuleError(`Path ${a.path} is a directory !`);
  const exists = file.content !== undefined;
  if (!exists) {
    if (a.state === 'absent') return { changed: false, reason: 'file not present' };
    if (!a.create) throw new ModuleError(`Destination ${a.path} does not exist !`, { rc: 257 });
  }
  const before = exists ? file.content!.toString('latin1') : '';
  const r = edit(a, readLines(before));
  const attrs = resolveAttrs(a, exists ? st : { ...st, kind: 'absent' });
  // A new file gets its owner/group/mode with the write itself.
  const attrDiffs = exists ? attrChanges(st, attrs) : [];
  // lineinfile's check_file_attrs: attribute changes make a change of their own.
  const message = attrDiffs.length ? `${r.changed ? `${r.message} and ` : ''}ownership, perms or SE linux context changed` : r.message;
  const result = { msg: r.changed || attrDiffs.length ? message : '', ...(r.found !== undefined ? { found: r.found } : {}) };
  if (!r.changed && attrDiffs.length === 0) return { changed: false, reason: r.message, result };
  const after = r.lines.join('');
  if (r.changed) checkValidate(a.validate);
  return {
    changed: true,
    description: attrDiffs.length ? `${message} (${attrDiffs.join(', ')})` : message,
    diffs: r.changed ? [{ path: a.path, before: fromBinary(before), after: fromBinary(after) }] : undefined,
    plan: { content: r.changed ? after : undefined, create: !exists, attrs, message, found: r.found },
    result,
  };
}

async function apply(ctx: ModuleContext, a: Args, plan: Plan): Promise<ApplyResult> {
  let backup: string | undefined;
  if (plan.content !== undefined) {
    if (plan.create) await ctx.run(`mkdir -p -- "$(dirname -- ${quote(a.path)})"`);
    ({ backup } = await ctx.writeFile(a.path, Buffer.from(plan.content, 'latin1'), { ...plan.attrs, backup: a.backup, validate: a.validate, follow: a.follow }));
  } else {
    await ctx.run(applyAttrsScript(a.path, plan.attrs));
  }
  return { result: { msg: plan.message, backup: backup ?? '', ...(plan.found !== undefined ? { found: plan.found } : {}) } };
}

export default defineModule<Args, Plan>({
  name: 'file_line',
  speculative: true,
  ansibleNames: ['lineinfile', 'ansible.builtin.lineinfile'],
  summary: "Ensure a line is in a file, or is not (Ansible's lineinfile)",
  description: [
    "Ansible's lineinfile with the same arguments and byte-identical results: `regexp` and",
    '`insertafter`/`insertbefore` are Python regular expressions searched (unanchored) in each',
    'line; the last matching line is replaced (the first with `firstmatch`); without a match the',
    'line is added at EOF or after/before the `insertafter`/`insertbefore` match; a line that is',
    'already present changes nothing. `backrefs: true` fills \\1, \\g<1> or \\g<name> from the',
    'regexp match and changes nothing when the regexp does not match. Python syntax such as',
    '(?P<name>...), (?P=name), \\A, \\Z and (?i) works as in Ansible. Line endings of existing',
    "lines are kept (CRLF files stay CRLF); new lines end with '\\n'. The file is read and",
    'compared in one round trip and written atomically (owner, mode and POSIX ACL kept; the',
    'rename happens only after the whole content arrived and its checksum matched). Bytes that',
    'the edit does not touch stay the same bytes, whatever the encoding (Latin-1, CP1251, KOI8-R).',
    '',
    "Links: unlike Ansible's lineinfile, which always edits a link's target, file_line refuses a",
    'path that is a symbolic link unless `follow: true`: whoever can write the folder of the link',
    '(the owner of ~user/.ssh, of a data directory) could have pointed it at a file of root.',
  ].join('\n'),
  aliases: { dest: 'path', destfile: 'path', name: 'path', value: 'line', regex: 'regexp' },
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', description: 'The file to edit (aliases: dest, destfile, name).' },
      line: { type: ['string', 'number', 'boolean'], description: 'The line to insert or replace (alias: value); required with state=present.' },
      regexp: { type: 'string', description: 'Python regular expression searched in each line (alias: regex).' },
      search_string: { type: 'string', description: 'Literal string searched in each line (instead of regexp).' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Whether the line should be there.' },
      insertafter: { type: 'string', description: "Insert after the last line matching this regex, or 'EOF' / 'BOF'." },
      insertbefore: { type: 'string', description: "Insert before the last line matching this regex, or 'BOF'." },
      firstmatch: { type: 'boolean', default: false, description: 'Use the first matching line instead of the last.' },
      backrefs: { type: 'boolean', default: false, description: 'Expand \\1, \\g<name> in `line` from the regexp match; no match means no change.' },
      create: { type: 'boolean', default: false, description: 'Create the file when it does not exist (else it is an error).' },
      backup: { type: 'boolean', default: false, description: 'Keep a timestamped copy of the old file.' },
      validate: { type: 'string', description: 'Command run on the new content before it replaces the file; %s is the temp file.' },
      ...attrSchema,
      follow: { type: 'boolean', default: false, description: "Edit the target of a link at path (else a link is an error: it may have been planted)." },
    },
  },
  examples: [
    '- file_line:',
    '    path: /etc/postgresql/15/main/postgresql.conf',
    "    regexp: '^#?listen_addresses\\s*='",
    "    line: \"listen_addresses = '*'\"",
    '- file_line:',
    '    path: /etc/ssh/sshd_config',
    "    regexp: '^#?(PermitRootLogin)\\s'",
    "    line: '\\1 no'",
    '    backrefs: true',
  ].join('\n'),
  probes: (a) => {
    checkArgs(a);
    return fileProbes(a.path);
  },
  check,
  apply: (ctx, args, change) => apply(ctx, args, change.plan!),
  notConverged,
});

/** Why the file still differs after the write, in lineinfile's terms, and how to fix the task. */
function notConverged(a: Args, change: { diffs?: { before: string }[] }, again: { description: string }): string {
  const line = a.line === undefined ? '' : lineText(a.line);
  if (a.backrefs && again.description === 'line replaced') {
    return (
      `the regexp '${a.regexp}' still matches the line it wrote ('${line}' filled in from the match), so every run would ` +
      "rewrite that line again (Ansible's lineinfile silently does, on each run). Anchor the regexp so that the line it " +
      'writes no longer matches, e.g. a negative lookahead for the text the line adds: (?!.*ADDED)'
    );
  }
  const before = change.diffs?.[0]?.before;
  if (again.description === 'line added' && before !== undefined && before !== '' && !/[\r\n]$/.test(before)) {
    return `it added '${line}', but the file's last line had no newline, so the line was joined to it (as lineinfile does) and the file still has no line '${line}'; end the file with a newline first`;
  }
  return `it wrote ${a.path} (${change.diffs ? 'content changed' : 'attributes changed'}), yet reading it back the check still finds: ${again.description}`;
}
