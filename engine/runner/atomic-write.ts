// The remote script behind ModuleContext.writeFile: content arrives on stdin into a temp file
// beside the target, and the rename happens only after the whole content arrived (its length and
// checksum match what the controller sent), so a transfer cut short leaves the target as it was.
// The temp file is created exclusively and changed only through its open descriptor, a link at
// the target is replaced (not followed) unless asked, and the old file's POSIX ACL is kept.
import { createHash } from 'node:crypto';
import type { WriteFileOptions } from '../module-api.js';
import { quote } from '../shell.js';

const CRC_TABLE = Array.from({ length: 256 }, (_, i) => {
  let c = i << 24;
  for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
  return c >>> 0;
});

/** POSIX `cksum`'s CRC (the fallback check on hosts without sha256sum). */
export function posixCksum(data: Buffer): number {
  let crc = 0;
  const step = (byte: number) => {
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  };
  for (const b of data) step(b);
  for (let n = data.length; n > 0; n = Math.floor(n / 256)) step(n & 0xff);
  return ~crc >>> 0;
}

/**
 * The script for one write of `content` to `path`. It prints `backup=PATH` when it kept a
 * backup. Failures (short transfer, checksum, validate, disk full, read-only) exit non-zero
 * with the target untouched and the temp file removed.
 */
export function atomicWriteScript(path: string, opts: WriteFileOptions, content: Buffer): string {
  const sha = createHash('sha256').update(content).digest('hex');
  const lines = [
    'set -e',
    `p=${quote(path)}`,
    // A link at the path is replaced by the new file: its owner may have planted it to make us
    // hand another file to them. Only an explicit `follow` writes to the link's target.
    ...(opts.follow ? ['if [ -L "$p" ]; then p=$(readlink -f -- "$p"); fi'] : []),
    't=$(mktemp -u "$(dirname -- "$p")/.tsplay.XXXXXXXX")',
    `trap 'rm -f -- "$t"' EXIT`,
    "trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM; trap 'exit 141' PIPE",
    // noclobber: created with O_EXCL, so nothing planted under the temp name is opened. From
    // here on the file is reached through its descriptor (/dev/fd/3), not its name.
    'set -C; exec 3>"$t"; set +C',
    'f=/dev/fd/3; [ -e "$f" ] || f=$t',
    'cat >&3',
    'n=$(($(wc -c < "$f")))',
    `if [ "$n" -ne ${content.length} ]; then echo "incomplete transfer: $n of ${content.length} bytes arrived; $p left as it was" >&2; exit 1; fi`,
    'if command -v sha256sum >/dev/null 2>&1; then s=$(sha256sum < "$f"); s=${s%% *}; want=' + sha,
    `else s=$(cksum < "$f"); s=\${s%% *}; want=${posixCksum(content)}; fi`,
    'if [ "$s" != "$want" ]; then echo "checksum mismatch after transfer; $p left as it was" >&2; exit 1; fi',
    // An existing file passes on its owner, mode and ACL; a new one (or a replaced link) is 0644.
    'if [ -e "$p" ] && [ ! -L "$p" ]; then',
    '  chown --reference="$p" -- "$f" 2>/dev/null || true; chmod --reference="$p" -- "$f"',
    '  if command -v getfacl >/dev/null 2>&1 && command -v setfacl >/dev/null 2>&1; then',
    '    a=$(getfacl -p -s -- "$p" 2>/dev/null) || a=',
    '    if [ -n "$a" ]; then printf \'%s\\n\' "$a" | setfacl --set-file=- -- "$f"; fi',
    '  elif [ "$(ls -ld -- "$p" | cut -c11)" = + ]; then',
    '    echo "$p has a POSIX ACL, but getfacl/setfacl (package acl) are missing: not replacing it, which would drop the ACL" >&2; exit 1',
    '  fi',
    'else chmod 0644 -- "$f"; fi',
  ];
  if (opts.owner) lines.push(`chown -- ${quote(opts.owner)} "$f"`);
  if (opts.group) lines.push(`chgrp -- ${quote(opts.group)} "$f"`);
  if (opts.mode) lines.push(`chmod -- ${quote(opts.mode)} "$f"`);
  if (opts.validate) {
    const v = opts.validate.includes('%s') ? opts.validate.split('%s').join('"$t"') : `${opts.validate} "$t"`;
    lines.push(`if ! ( ${v} ) >&2; then echo "validation failed: ${opts.validate.replace(/["$`\\]/g, '\\$&')}" >&2; exit 1; fi`);
  }
  if (opts.backup) {
    lines.push('if [ -e "$p" ] || [ -L "$p" ]; then b="$p.$(date +%Y-%m-%d@%H:%M:%S).$$~"; cp -P -p -- "$p" "$b"; echo "backup=$b"; fi');
  }
  // -T: a directory that appeared at the path is an error, not a folder to move into.
  lines.push('exec 3>&-', 'mv -f -T -- "$t" "$p"', 'trap - EXIT');
  return lines.join('\n');
}
