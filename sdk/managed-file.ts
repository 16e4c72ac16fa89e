// A file whose whole content a module decides (template, copy): compare the wanted bytes and
// attributes with the remote file read in one round trip, then write atomically only if needed.
import { ModuleError } from '../engine/errors.js';
import type { ApplyResult, CheckResult, ModuleContext } from '../engine/module-api.js';
import { quote } from '../engine/shell.js';
import { type ResolvedAttrs, type WantedAttrs, applyAttrsScript, attrChanges, attrSchema, followed, resolveAttrs } from './file-attrs.js';
import { type RemoteFile, checkValidate, diffText, sameAsDigest } from './remote-file.js';

/** The schema properties of a module that manages a whole file's content (copy, template). */
export const contentSchema = {
  ...attrSchema,
  backup: { type: 'boolean', default: false, description: 'Keep a timestamped copy of the old file.' },
  validate: { type: 'string', description: 'Command run on the new content before it replaces the file; %s is the temp file.' },
  force: { type: 'boolean', default: true, description: 'false: only create the file when it does not exist.' },
  follow: {
    type: 'boolean',
    default: false,
    description:
      "true: write to the target of a link at dest. false (the default, as in Ansible): replace the link with a file, so that a link planted by the file's future owner cannot hand them another file.",
  },
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
  /** Write to a link's target (else a link at the path is replaced). */
  follow: boolean;
}

export interface ContentOptions extends WantedAttrs {
  backup?: boolean;
  validate?: string;
  /** false: never replace an existing file's content (Ansible's force: no). */
  force?: boolean;
  /** Create missing parent folders. */
  makeParent?: boolean;
  /** Write to the target of a link at the path instead of replacing the link. */
  follow?: boolean;
}

/** Compares `content` with the remote file; the Change holds the plan for `applyContent`. */
export function planContent(path: string, file: RemoteFile, content: Buffer, opts: ContentOptions): CheckResult<ContentPlan> {
  const follow = opts.follow ?? false;
  if (file.stat.kind === 'link' && !follow) return replaceLink(path, file, content, opts);
  const found = followed(file.stat);
  // A dangling link is written through, as the atomic write does: its target is created.
  const st = found.kind === 'link' ? { ...found, kind: 'absent' as const } : found;
  if (st.kind === 'directory') throw new ModuleError(`${path} is a directory`);
  if (st.kind === 'other') throw new ModuleError(`${path} is not a regular file`);
  const exists = st.kind === 'file';
  const attrs = resolveAttrs(opts, st);
  const attrDiffs = attrChanges(st, attrs);
  const same = exists && (file.digest ? sameAsDigest(content, file.digest) : file.content!.equals(content));
  const contentChanges = !exists || (opts.force !== false && !same);
  if (!contentChanges && attrDiffs.length === 0) {
    const why = exists && opts.force === false && !same ? ' (exists; force: false)' : '';
    return { changed: false, reason: `${path} is up to date${why}` };
  }
  if (contentChanges) checkValidate(opts.validate);
  const what = !exists ? `create ${path}` : contentChanges ? `update ${path}` : `set attributes of ${path}`;
  return {
    changed: true,
    description: [what, ...attrDiffs].join('; '),
    diffs: contentChanges ? [{ path, before: diffText(file.content, file.digest), after: diffText(content) }] : undefined,
    plan: {
      path,
      content: contentChanges ? content : undefined,
      attrs,
      backup: opts.backup ?? false,
      validate: opts.validate,
      makeParent: !exists && (opts.makeParent ?? false),
      follow,
    },
  };
}

/** Without `follow`, a link at the path becomes a regular file with the content (as Ansible's copy does). */
function replaceLink(path: string, file: RemoteFile, content: Buffer, opts: ContentOptions): CheckResult<ContentPlan> {
  if (opts.force === false) return { changed: false, reason: `${path} exists (a link; force: false)` };
  checkValidate(opts.validate);
  const attrs = resolveAttrs(opts, { ...file.stat, kind: 'absent' });
  return {
    changed: true,
    description: `replace the link ${path} → ${file.stat.linkTarget} with a file (follow: true would write to the link's target)`,
    diffs: [{ path, before: diffText(file.content, file.digest), after: diffText(content) }],
    plan: { path, content, attrs, backup: opts.backup ?? false, validate: opts.validate, makeParent: false, follow: false },
  };
}

export async function applyContent(ctx: ModuleContext, plan: ContentPlan): Promise<ApplyResult> {
  if (plan.content === undefined) {
    await ctx.run(applyAttrsScript(plan.path, plan.attrs));
    return { result: { path: plan.path } };
  }
  if (plan.makeParent) await ctx.run(`mkdir -p -- "$(dirname -- ${quote(plan.path)})"`);
  const { backup } = await ctx.writeFile(plan.path, plan.content, { ...plan.attrs, backup: plan.backup, validate: plan.validate, follow: plan.follow });
  return { result: { path: plan.path, ...(backup ? { backup_file: backup } : {}) } };
}
