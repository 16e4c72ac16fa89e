// A remote file's bytes and its stat, read by two probes that travel with the rest of a check's
// probe set (one round trip). The content travels base64-encoded so that every byte (no trailing
// newline, CRLF, non-UTF-8) arrives exactly as it is on disk.
import { createHash } from 'node:crypto';
import { ModuleError } from '../engine/errors.js';
import { posixCksum } from '../engine/runner/atomic-write.js';
import type { ProbeOutput, ProbeSet } from '../engine/module-api.js';
import { raw } from '../engine/module/probe.js';
import { quote } from '../engine/shell.js';
import { type PathStat, parseStat, statProbe } from './file-attrs.js';

export interface RemoteFile {
  /** The path's own stat (a link's, with `target` set when it resolves). */
  stat: PathStat;
  /** The bytes of the regular file the path designates (through links); undefined otherwise. */
  content?: Buffer;
  /** Instead of the content, for a file larger than the probe reads whole: its digest. */
  digest?: FileDigest;
}

/** A big file's sha256 (or POSIX cksum CRC where sha256sum is missing) and size. */
export interface FileDigest {
  kind: 'sha256' | 'cksum';
  value: string;
  size: number;
}

/** Files above this size are compared by digest (copy, template): their bytes do not travel. */
export const WHOLE_FILE_LIMIT = 16 * 1024 * 1024;

/**
 * The probes that read `path` (`key.stat` and `key.content`), to spread into a module's probe
 * set; `remoteFileOf` puts what they read together. With `wholeUpTo`, a larger file sends its
 * digest instead of its bytes.
 */
export function fileProbes(path: string, key = 'file', wholeUpTo?: number): ProbeSet {
  const p = quote(path);
  const read =
    wholeUpTo === undefined
      ? `base64 < ${p}`
      : `n=$(stat -L -c %s -- ${p}); if [ "$n" -le ${wholeUpTo} ]; then base64 < ${p}; ` +
        `elif command -v sha256sum >/dev/null 2>&1; then d=$(sha256sum < ${p}); echo "digest sha256 \${d%% *} $n"; ` +
        `else d=$(cksum < ${p}); echo "digest cksum \${d%% *} $n"; fi`;
  return { [`${key}.stat`]: raw(statProbe(path)), [`${key}.content`]: raw(`if [ -f ${p} ]; then ${read}; fi`) };
}

/** Whether `bytes` are the file a digest describes. */
export function sameAsDigest(bytes: Buffer, d: FileDigest): boolean {
  if (bytes.length !== d.size) return false;
  return d.kind === 'sha256' ? createHash('sha256').update(bytes).digest('hex') === d.value : String(posixCksum(bytes)) === d.value;
}

/** The file the probes of `fileProbes(path, key)` read, from a check's probed values. */
export function remoteFileOf(probed: Record<string, unknown>, path: string, key = 'file'): RemoteFile {
  const st = probed[`${key}.stat`] as ProbeOutput | undefined;
  if (!st || st.rc < 0) throw new ModuleError(`cannot read ${path}: unexpected probe output`);
  const stat = parseStat(st.out);
  const c = probed[`${key}.content`] as ProbeOutput | undefined;
  if (!c || c.rc !== 0) throw new ModuleError(`cannot read ${path}: ${c?.out.trim() || 'no output'}`);
  const target = stat.kind === 'link' ? stat.target : stat;
  if (target?.kind !== 'file') return { stat };
  const d = /^digest (sha256|cksum) (\S+) (\d+)\n?$/.exec(c.out);
  if (d) return { stat, digest: { kind: d[1] as FileDigest['kind'], value: d[2]!, size: Number(d[3]) } };
  return { stat, content: Buffer.from(c.out, 'base64') };
}

/** Ansible's rule for `validate`: the command must name the temp file with %s. */
export function checkValidate(validate: string | undefined): void {
  if (validate !== undefined && !validate.includes('%s')) throw new ModuleError(`validate must contain %s: ${validate}`);
}

/** Above this size a diff shows the size, not the text (a diff of megabytes helps no one). */
const DIFF_LIMIT = 1024 * 1024;

/** Text for a diff; binary content (a NUL byte) and big files are not shown. */
export function diffText(content: Buffer | undefined, digest?: FileDigest): string {
  if (digest) return `(${digest.size} bytes, not shown)\n`;
  if (!content) return '';
  if (content.length > DIFF_LIMIT) return `(${content.length} bytes, not shown)\n`;
  return content.includes(0) ? '(binary content)\n' : content.toString('utf8');
}
