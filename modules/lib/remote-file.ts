// Reads a remote file's bytes and its stat in ONE round trip. The content travels base64-encoded
// so that every byte (no trailing newline, CRLF, non-UTF-8) arrives exactly as it is on disk.
import { ModuleError } from '../../engine/errors.js';
import type { ModuleContext } from '../../engine/module-api.js';
import { type Section, quote, sections, splitSections } from '../../engine/shell.js';
import { type PathStat, parseStat, statProbe } from './file-attrs.js';

export interface RemoteFile {
  /** The path's own stat (a link's, with `target` set when it resolves). */
  stat: PathStat;
  /** The bytes of the regular file the path designates (through links); undefined otherwise. */
  content?: Buffer;
}

/** The probe; `key` names its sections so that several probes can share one command. */
export function readFileScript(path: string, key = 'file'): string {
  const p = quote(path);
  return sections({ [`${key}.stat`]: statProbe(path), [`${key}.content`]: `if [ -f ${p} ]; then base64 < ${p}; fi` });
}

/** Parses the sections of `readFileScript` (from `splitSections`). */
export function parseReadFile(s: Record<string, Section>, path: string, key = 'file'): RemoteFile {
  const st = s[`${key}.stat`];
  if (!st) throw new ModuleError(`cannot read ${path}: unexpected probe output`);
  const stat = parseStat(st.out);
  const c = s[`${key}.content`];
  if (!c || c.rc !== 0) throw new ModuleError(`cannot read ${path}: ${c?.out.trim() || 'no output'}`);
  const target = stat.kind === 'link' ? stat.target : stat;
  return { stat, content: target?.kind === 'file' ? Buffer.from(c.out, 'base64') : undefined };
}

export async function readRemoteFile(ctx: ModuleContext, path: string): Promise<RemoteFile> {
  return parseReadFile(splitSections(await ctx.run(readFileScript(path))), path);
}

/** Ansible's rule for `validate`: the command must name the temp file with %s. */
export function checkValidate(validate: string | undefined): void {
  if (validate !== undefined && !validate.includes('%s')) throw new ModuleError(`validate must contain %s: ${validate}`);
}

/** Text for a diff; binary content (a NUL byte) is not shown. */
export function diffText(content: Buffer | undefined): string {
  if (!content) return '';
  return content.includes(0) ? '(binary content)\n' : content.toString('utf8');
}
