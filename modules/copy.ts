// copy: puts `content`, or a controller file `src`, on the host when it differs (one round trip
// to compare, an atomic write to change).
import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ModuleError, WHOLE_FILE_LIMIT, applyContent, contentSchema, defineModule, fileProbes, followed, formatMode, planContent, quote, raw, remoteFileOf, type CheckResult, type ContentPlan, type ModuleContext, type ProbeSet } from '../sdk/index.js';
import { resolveControllerFile } from './lib/controller-files.js';

interface Args {
  dest: string;
  content?: string;
  src?: string;
  owner?: string;
  group?: string;
  mode?: string | number;
  backup: boolean;
  validate?: string;
  force: boolean;
  follow: boolean;
}

/** Exactly one of content and src: refused before any read. */
function checkSource(a: Args): void {
  if ((a.content === undefined) === (a.src === undefined)) {
    throw new ModuleError(a.src === undefined ? 'src (or content) is required' : 'src and content are mutually exclusive');
  }
}

function source(ctx: ModuleContext, a: Args): { bytes: Buffer; perm?: number } {
  checkSource(a);
  if (a.content !== undefined) return { bytes: Buffer.from(a.content, 'utf8') };
  const file = resolveControllerFile(ctx.baseDir, 'files', a.src!);
  const st = statSync(file);
  if (st.isDirectory()) throw new ModuleError(`copy: src ${file} is a directory; tsplay copies single files (use one task per file)`);
  return { bytes: readFileSync(file), perm: st.mode & 0o7777 };
}

/** A dest that is a directory receives src under its own name: that path is read too. */
const innerPath = (a: Args): string | undefined => (a.src === undefined ? undefined : `${a.dest.replace(/\/+$/, '')}/${basename(resolve('/', a.src))}`);

function probes(a: Args): ProbeSet {
  checkSource(a);
  const inner = innerPath(a);
  return {
    parent: raw(`[ -d "$(dirname -- ${quote(a.dest)})" ] && echo yes || echo no`),
    ...fileProbes(a.dest, 'file', WHOLE_FILE_LIMIT),
    ...(inner ? fileProbes(inner, 'inner', WHOLE_FILE_LIMIT) : {}),
  };
}

async function check(ctx: ModuleContext, a: Args, probed: Record<string, unknown>): Promise<CheckResult<ContentPlan>> {
  const src = source(ctx, a);
  const mode = a.mode === 'preserve' ? (src.perm === undefined ? undefined : formatMode(src.perm)) : a.mode;
  if (a.mode === 'preserve' && mode === undefined) throw new ModuleError("mode 'preserve' needs src");
  const intoDir = a.dest.endsWith('/');
  const inner = innerPath(a);
  if (intoDir && !inner) throw new ModuleError('can not use content with a dir as dest');
  const destFile = remoteFileOf(probed, a.dest, 'file');
  const destKind = followed(destFile.stat).kind;
  const opts = { ...a, mode };
  if (intoDir || destKind === 'directory') {
    if (!inner) throw new ModuleError('can not use content with a dir as dest');
    return planContent(inner, remoteFileOf(probed, inner, 'inner'), src.bytes, { ...opts, makeParent: intoDir });
  }
  if (destKind === 'absent' && (probed.parent as { out: string }).out.trim() !== 'yes') throw new ModuleError(`Destination directory of ${a.dest} does not exist`);
  return planContent(a.dest, destFile, src.bytes, opts);
}

export default defineModule<Args, ContentPlan>({
  name: 'copy',
  speculative: true,
  summary: 'Put a file (given content or a controller file) on the host',
  description: [
    "Like Ansible's copy: writes `content`, or the controller file `src`, to `dest` when the",
    'bytes differ (compared in one round trip, written atomically, owner and mode kept unless',
    "given). A relative `src` is looked up in the playbook folder's files/, ../files/, then the",
    'playbook folder. A `dest` ending in / or naming a directory receives src under its own name.',
    "`force: false` only creates a missing file. `mode: preserve` takes src's mode.",
    '',
    'Links: a symlink at `dest` is replaced by a regular file (Ansible\'s copy does the same when',
    'the content differs; tsplay does it always, so the result never depends on where a link',
    'points, and a link planted by the future owner cannot make tsplay chown or overwrite another',
    "file). `follow: true` writes to the link's target instead. Writes are complete or not done:",
    'the new content is renamed over the file only after its length and checksum were verified,',
    "and the old file's owner, mode and POSIX ACL are kept unless owner/group/mode are given.",
  ].join('\n'),
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['dest'],
    properties: {
      dest: { type: 'string', description: 'Path on the host (a directory, or ending in /, receives src by its name).' },
      content: { type: 'string', description: 'The exact content of the file (instead of src).' },
      src: { type: 'string', description: 'File on the controller (relative to files/).' },
      ...contentSchema,
    },
  },
  examples: [
    '- copy:',
    '    dest: /etc/pgpool2/pcp.conf',
    '    content: "pgpool:{{ pcp_md5 }}\\n"',
    '    owner: postgres',
    "    mode: '0600'",
    '- copy: { src: pg_hba.conf, dest: /etc/postgresql/15/main/pg_hba.conf, backup: true }',
  ].join('\n'),
  probes,
  check,
  apply: (ctx, _args, change) => applyContent(ctx, change.plan!),
});
