// A file whose whole content a module decides (template, copy): compare the wanted bytes and
// attributes with the remote file read in one round trip, then write atomically only if needed.
import { ModuleError } from '../../engine/errors.js';
import type { ApplyResult, CheckResult, ModuleContext } from '../../engine/module-api.js';
import { quote } from '../../engine/shell.js';
import { type ResolvedAttrs, type WantedAttrs, applyAttrsScript, attrChanges, attrSchema, followed, resolveAttrs } from './file-attrs.js';
import { type RemoteFile, checkValidate, diffText } from './remote-file.js';

/** The schema properties of a module that manages a whole file's content (copy, template). */
export const contentSchema = {
  ...attrSchema,
  backup: { type: 'boolean', default: false, description: 'Keep a timestamped copy of the old file.' },
  validate: { type: 'string', description: 'Command run on the new content before it replaces the file; %s is the temp file.' },
  force: { type: 'boolean', default: true, description: 'false: only create the file when it does not exist.' },
};

export interface ContentPlan {
  path: string;
  /** New bytes to write; undefined when only attributes change. */
  content?: Buffer;
  attrs: ResolvedAttrs;
  backup: boolean;
  validate?: string;
  /** The parent folder must be created first (new file in a new folder). */
  makeParent: boolean;
}

export interface ContentOptions extends WantedAttrs {
  backup?: boolean;
  validate?: string;
  /** false: never replace an existing file's content (Ansible's force: no). */
  force?: boolean;
  /** Create missing parent folders. */
  makeParent?: boolean;
}

/** Compares `content` with the remote file; the Change holds the plan for `applyContent`. */
export function planContent(path: string, file: RemoteFile, content: Buffer, opts: ContentOptions): CheckResult<ContentPlan> {
  const found = followed(file.stat);
  // A dangling link is written through, as the atomic write does: its target is created.
  const st = found.kind === 'link' ? { ...found, kind: 'absent' as const } : found;
  if (st.kind === 'directory') throw new ModuleError(`${path} is a directory`);
  if (st.kind === 'other') throw new ModuleError(`${path} is not a regular file`);
  const exists = st.kind === 'file';
  const attrs = resolveAttrs(opts, st);
  const attrDiffs = attrChanges(st, attrs);
  const contentChanges = !exists || (opts.force !== false && !file.content!.equals(content));
  if (!contentChanges && attrDiffs.length === 0) {
    const why = exists && opts.force === false && !file.content!.equals(content) ? ' (exists; force: false)' : '';
    return { changed: false, reason: `${path} is up to date${why}` };
  }
  if (contentChanges) checkValidate(opts.validate);
  const what = !exists ? `create ${path}` : contentChanges ? `update ${path}` : `set attributes of ${path}`;
  return {
    changed: true,
    description: [what, ...attrDiffs].join('; '),
    diffs: contentChanges ? [{ path, before: diffText(file.content), after: diffText(content) }] : undefined,
    plan: {
      path,
      content: contentChanges ? content : undefined,
      attrs,
      backup: opts.backup ?? false,
      validate: opts.validate,
      makeParent: !exists && (opts.makeParent ?? false),
    },
  };
}

export async function applyContent(ctx: ModuleContext, plan: ContentPlan): Promise<ApplyResult> {
  if (plan.content === undefined) {
    await ctx.run(applyAttrsScript(plan.path, plan.attrs));
    return { result: { path: plan.path } };
  }
  if (plan.makeParent) await ctx.run(`mkdir -p -- "$(dirname -- ${quote(plan.path)})"`);
  const { backup } = await ctx.writeFile(plan.path, plan.content, { ...plan.attrs, backup: plan.backup, validate: plan.validate });
  return { result: { path: plan.path, ...(backup ? { backup_file: backup } : {}) } };
}
