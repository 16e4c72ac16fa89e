// Replies a fake host gives to the file modules' probes (statProbe, fileProbes),
// built from a short description of the file, so fixture cases read like the state they model.
import type { Reply } from '../../support/fake-connection.js';

export interface FakePath {
  kind?: 'file' | 'directory' | 'absent' | 'link';
  content?: string | Buffer;
  perm?: number;
  owner?: string;
  group?: string;
  uid?: number;
  gid?: number;
  nlink?: number;
  inode?: number;
  /** For a link: where it points, and what is there (absent: a dangling link). */
  linkTarget?: string;
  target?: FakePath;
}

const TYPE_BITS = { file: 0o100000, directory: 0o040000, link: 0o120000 };

function statLine(prefix: string, f: FakePath): string {
  const kind = (f.kind ?? 'file') as keyof typeof TYPE_BITS;
  const perm = f.perm ?? (kind === 'directory' ? 0o755 : kind === 'link' ? 0o777 : 0o644);
  const size = f.content === undefined ? 0 : Buffer.byteLength(f.content);
  const fields = [(TYPE_BITS[kind] | perm).toString(16), f.uid ?? 0, f.gid ?? 0, f.nlink ?? 1, f.inode ?? 1000, size, f.owner ?? 'root', f.group ?? 'root'];
  return `${prefix} ${fields.join(' ')}`;
}

/** The output of `statProbe` for a path. */
export function statOutput(f: FakePath): string {
  if ((f.kind ?? 'file') === 'absent') return 'absent\numask 0022\n';
  const lines = [statLine('stat', f)];
  if (f.kind === 'link') {
    lines.push(`link ${f.linkTarget ?? '/nowhere'}`);
    if (f.target && f.target.kind !== 'absent') lines.push(statLine('target', f.target));
  }
  return `${lines.join('\n')}\numask 0022\n`;
}

/** The stdout of `sections()` with the given section outputs (all exit 0 unless given). */
export function sectionsOutput(parts: Record<string, string | { out: string; rc: number }>): string {
  return Object.entries(parts)
    .map(([k, v]) => {
      const { out, rc } = typeof v === 'string' ? { out: v, rc: 0 } : v;
      return `@@tsplay@@ ${k}\n${out}${out && !out.endsWith('\n') ? '\n' : ''}@@tsplay@@rc ${rc}\n`;
    })
    .join('');
}

/** The sections of `fileProbes(path, key)` for a fake file. */
export function readFileParts(f: FakePath, key = 'file'): Record<string, string> {
  const target = f.kind === 'link' ? f.target : f;
  const regular = target !== undefined && (target.kind ?? 'file') === 'file';
  const content = target?.content;
  return {
    [`${key}.stat`]: statOutput(f),
    [`${key}.content`]: regular && content !== undefined ? `${Buffer.from(content).toString('base64')}\n` : '',
  };
}

/** A reply to a check that reads one file with `fileProbes`. */
export function fileReply(f: FakePath): Reply {
  return { match: '@@tsplay@@ file.stat', stdout: sectionsOutput(readFileParts(f)) };
}

/** Apply's atomic write (ctx.writeFile) and other commands succeed. */
export const writeOk: Reply = { match: 'mktemp', stdout: '' };
export const anyOk: Reply = { match: /.*/, stdout: '' };
