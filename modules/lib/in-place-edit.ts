// What Ansible's in-place file editors (replace, blockinfile) share: reading the file with its
// stat in one round trip, the refusals Ansible makes (a folder: rc 256), tsplay's refusal to
// follow a link unasked, the change as Ansible words it (the edit and/or "ownership, perms or SE
// linux context changed") with its diff, and the atomic write that applies it.
import {
  ModuleError, type ApplyResult, type CheckResult, type ModuleContext, type PathStat, type RemoteFile, type ResolvedAttrs, type WantedAttrs,
  applyAttrsScript, attrChanges, checkValidate, diffText, fileProbes, followed, quote, remoteFileOf, resolveAttrs, type ProbeSet,
} from '../../sdk/index.js';

export interface EditArgs extends WantedAttrs {
  path: string;
  follow: boolean;
  backup: boolean;
  validate?: string;
}

export interface EditPlan {
  /** The new bytes; undefined when only owner, group or mode change. */
  content?: Buffer;
  /** The file does not exist yet (its folder is made first). */
  create: boolean;
  attrs: ResolvedAttrs;
  message: string;
}

/** What an editor's check reads: the file, content and stat. */
export const editProbes = (a: EditArgs): ProbeSet => fileProbes(a.path);

/** The file to edit and its stat (a link's target's, with follow: true), from `editProbes`. */
export function fileForEdit(probed: Record<string, unknown>, module: string, a: EditArgs): { file: RemoteFile; st: PathStat } {
  const file = remoteFileOf(probed, a.path);
  if (file.stat.kind === 'link' && !a.follow) {
    throw new ModuleError(
      `${a.path} is a symbolic link (to ${file.stat.linkTarget}): ${module} edits a link's target only with follow: true ` +
        "(whoever can write the link's folder could have pointed it at another file)",
    );
  }
  const st = followed(file.stat);
  if (st.kind === 'directory') throw new ModuleError(`Path ${a.path} is a directory !`, { rc: 256 });
  return { file, st };
}

/**
 * The change an edit makes: `edited` is the new text (latin1, one char a byte) or undefined when
 * the content stays; `result` goes into the registered result beside `msg`. Undefined: no change.
 */
export function editChange(
  a: EditArgs,
  file: RemoteFile,
  st: PathStat,
  edited: { text: string; message: string } | undefined,
  result: Record<string, unknown> = {},
): CheckResult<EditPlan> | undefined {
  const exists = file.content !== undefined;
  const attrs = resolveAttrs(a, exists ? st : { ...st, kind: 'absent' });
  const attrDiffs = exists ? attrChanges(st, attrs) : [];
  if (!edited && !attrDiffs.length) return undefined;
  const editMessage = edited?.message ?? '';
  const message = attrDiffs.length ? `${edited ? `${editMessage} and ` : ''}ownership, perms or SE linux context changed` : editMessage;
  if (edited) checkValidate(a.validate);
  const content = edited ? Buffer.from(edited.text, 'latin1') : undefined;
  return {
    changed: true,
    description: attrDiffs.length ? `${message} (${attrDiffs.join(', ')})` : message,
    diffs: content ? [{ path: a.path, before: diffText(file.content), after: diffText(content) }] : undefined,
    plan: { content, create: !exists, attrs, message },
    result: { msg: message, ...result },
  };
}

/** Writes the edit atomically (owner, mode and ACL kept unless given), or only sets the attributes. */
export async function applyEdit(ctx: ModuleContext, a: EditArgs, plan: EditPlan, result: Record<string, unknown> = {}): Promise<ApplyResult> {
  if (plan.content === undefined) {
    await ctx.run(applyAttrsScript(a.path, plan.attrs));
    return { result: { msg: plan.message, ...result } };
  }
  if (plan.create) await ctx.run(`mkdir -p -- "$(dirname -- ${quote(a.path)})"`);
  const { backup } = await ctx.writeFile(a.path, plan.content, { ...plan.attrs, backup: a.backup, validate: a.validate, follow: a.follow });
  return { result: { msg: plan.message, ...result, ...(backup ? { backup_file: backup } : {}) } };
}
