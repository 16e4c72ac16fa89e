// blockinfile: Ansible's blockinfile — a block of lines between two marker lines, inserted,
// updated or removed, ported from ansible-core 2.14's blockinfile.py over the file's bytes (one
// char per byte) so that results are byte-identical. One read, one atomic write.
import { ModuleError, type CheckResult, type ModuleContext, defineModule, PyRegexError, compilePyRegex, toBinary, attrSchema } from '../sdk/index.js';
import { applyEdit, editChange, editProbes, fileForEdit, type EditPlan } from './lib/in-place-edit.js';

interface Args {
  path: string;
  state: 'present' | 'absent';
  marker: string;
  block: string;
  insertafter?: string;
  insertbefore?: string;
  create: boolean;
  backup: boolean;
  validate?: string;
  marker_begin: string;
  marker_end: string;
  owner?: string;
  group?: string;
  mode?: string | number;
  follow: boolean;
}

/** Python's bytes.splitlines(True): \n, \r\n and \r end lines. */
export function splitLinesKeep(s: string): string[] {
  return s.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

/** The new content (binary string) and blockinfile's message; '' message: no change. */
export function editBlock(a: Args, original: string | undefined): { result: string; message: string } {
  const lines = original === undefined ? [] : splitLinesKeep(original);
  const present = a.state === 'present';
  let insertafter = a.insertafter;
  const insertbefore = a.insertbefore;
  if (insertbefore === undefined && insertafter === undefined) insertafter = 'EOF';
  const source = insertafter !== undefined && insertafter !== 'EOF' ? insertafter : insertbefore !== undefined && insertbefore !== 'BOF' ? insertbefore : undefined;
  let insertre: RegExp | undefined;
  let multiline = false;
  if (source !== undefined) {
    try {
      insertre = compilePyRegex(toBinary(source)).re;
    } catch (e) {
      if (e instanceof PyRegexError) throw new ModuleError(`blockinfile: bad regular expression ${source}: ${e.message}`);
      throw e;
    }
    // Python keeps global flags only at the start of a pattern.
    multiline = /^(?:\(\?[aiLmsux]+\))*\(\?[aiLsux]*m/.test(source);
  }
  const marker = toBinary(a.marker);
  const marker0 = `${marker.split('{mark}').join(toBinary(a.marker_begin))}\n`;
  const marker1 = `${marker.split('{mark}').join(toBinary(a.marker_end))}\n`;
  let blocklines: string[] = [];
  if (present && a.block) {
    let block = toBinary(a.block);
    if (!block.endsWith('\n')) block += '\n';
    blocklines = [marker0, ...splitLinesKeep(block), marker1];
  }
  let n0: number | undefined;
  let n1: number | undefined;
  lines.forEach((l, i) => {
    if (l === marker0) n0 = i;
    if (l === marker1) n1 = i;
  });
  if (n0 === undefined || n1 === undefined) {
    n0 = undefined;
    if (insertre) {
      if (multiline) {
        const m = insertre.exec(original ?? '');
        if (m) {
          const count = (end: number) => (original ?? '').slice(0, end).split('\n').length - 1;
          if (insertafter) n0 = count(m.index + m[0].length);
          else if (insertbefore) n0 = count(m.index);
        }
      } else {
        lines.forEach((l, i) => {
          if (insertre!.test(l)) n0 = i;
        });
      }
      if (n0 === undefined) n0 = lines.length;
      else if (insertafter !== undefined) n0 += 1;
    } else if (insertbefore !== undefined) n0 = 0;
    else n0 = lines.length;
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
  } else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  if (n0 > 0 && lines[n0 - 1] !== undefined && !lines[n0 - 1]!.endsWith('\n')) lines[n0 - 1] += '\n';
  lines.splice(n0, 0, ...blocklines);
  const result = lines.join('');
  const message = original === result ? '' : original === undefined ? 'File created' : !blocklines.length ? 'Block removed' : 'Block inserted';
  return { result, message };
}

async function check(_ctx: ModuleContext, a: Args, probed: Record<string, unknown>): Promise<CheckResult<EditPlan>> {
  if (a.insertafter !== undefined && a.insertbefore !== undefined) throw new ModuleError('parameters are mutually exclusive: insertbefore|insertafter');
  const { file, st } = fileForEdit(probed, 'blockinfile', a);
  const exists = file.content !== undefined;
  if (!exists && !a.create) throw new ModuleError(`Path ${a.path} does not exist !`, { rc: 257 });
  if (!exists && a.state === 'absent') return { changed: false, reason: `File ${a.path} not present`, result: { msg: `File ${a.path} not present` } };
  const r = editBlock(a, exists ? file.content!.toString('latin1') : undefined);
  const change = editChange(a, file, st, r.message !== '' ? { text: r.result, message: r.message } : undefined);
  return change ?? { changed: false, reason: 'the block is already as wanted', result: { msg: '' } };
}

export default defineModule<Args, EditPlan>({
  name: 'blockinfile',
  speculative: true,
  ansibleNames: ['ansible.builtin.blockinfile'],
  summary: "Insert, update or remove a block of lines between marker lines (Ansible's blockinfile)",
  description: [
    "Ansible's blockinfile with the same arguments and byte-identical results: the block sits",
    'between `marker` lines ({mark} becomes `marker_begin` / `marker_end`); an existing block is',
    'replaced where it is, a new one goes at EOF or after/before the last line matching',
    '`insertafter`/`insertbefore` (Python regular expressions; BOF/EOF); `state: absent` or an',
    'empty block removes it. Use a different `marker` for each block of one file. One round trip',
    'to read, an atomic write (owner, mode and POSIX ACL kept; validate, backup, create).',
    "Links: the target of a link is edited only with `follow: true` (Ansible's blockinfile always",
    "follows; whoever can write the link's folder could have pointed it at another file).",
  ].join('\n'),
  aliases: { dest: 'path', destfile: 'path', name: 'path', content: 'block' },
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', minLength: 1, description: 'The file to edit (aliases: dest, destfile, name).' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Whether the block should be there.' },
      marker: { type: 'string', default: '# {mark} ANSIBLE MANAGED BLOCK', description: 'The marker line template; {mark} is marker_begin or marker_end.' },
      block: { type: 'string', default: '', description: 'The lines of the block (alias: content); empty removes the block.' },
      insertafter: { type: 'string', description: "Insert a new block after the last line matching this regex, or 'EOF'." },
      insertbefore: { type: 'string', description: "Insert a new block before the last line matching this regex, or 'BOF'." },
      create: { type: 'boolean', default: false, description: 'Create the file when it does not exist.' },
      backup: { type: 'boolean', default: false, description: 'Keep a timestamped copy of the old file.' },
      validate: { type: 'string', description: 'Command run on the new content before it replaces the file; %s is the temp file.' },
      marker_begin: { type: 'string', default: 'BEGIN', description: '{mark} in the first marker line.' },
      marker_end: { type: 'string', default: 'END', description: '{mark} in the last marker line.' },
      ...attrSchema,
      follow: { type: 'boolean', default: false, description: "Edit the target of a link at path (else a link is an error: it may have been planted)." },
    },
  },
  examples: [
    '- blockinfile:',
    '    path: /etc/postgresql/15/main/pg_hba.conf',
    '    marker: "# {mark} tsplay replication"',
    '    insertbefore: "^host\\\\s+all"',
    '    block: |',
    '      host replication replicator 10.0.0.0/24 scram-sha-256',
  ].join('\n'),
  probes: editProbes,
  check,
  apply: (ctx, args, change) => applyEdit(ctx, args, change.plan!),
});
