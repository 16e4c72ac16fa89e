// stat: Ansible's stat, read in one round trip with GNU stat, test(1), the <algo>sum tools,
// file(1) and lsattr(1) (each optional, as in Ansible: a missing tool leaves its fields as
// Ansible leaves them). Only reads: the result is for `register`.
import { ModuleError, defineModule, probe, type Probe } from '../sdk/index.js';
import { modeFacts } from './lib/stat-mode.js';
import { HOME_PROBE, expandHome, hasHome, shPath } from './lib/home-path.js';

interface Args {
  path: string;
  follow: boolean;
  get_checksum: boolean;
  get_mime: boolean;
  get_attributes: boolean;
  checksum_algorithm: 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
  get_md5: boolean;
}

// type uid gid size inode dev nlink atime mtime ctime blocks blksize rdev-major rdev-minor user group
const FORMAT = '%f %u %g %s %i %d %h %.9X %.9Y %.9Z %b %o %t %T %U %G';

/** lsattr's letters, as Ansible names them (module_utils/common/file.py FILE_ATTRIBUTES). */
const FILE_ATTRIBUTES: Record<string, string> = {
  A: 'noatime', a: 'append', c: 'compressed', C: 'nocow', d: 'nodump', D: 'dirsync', e: 'extents', E: 'encrypted',
  h: 'blocksize', i: 'immutable', I: 'indexed', j: 'journalled', N: 'inline', s: 'zero', S: 'synchronous',
  t: 'notail', T: 'blockroot', u: 'undelete', X: 'compressedraw', Z: 'compresseddirty',
};

/** Linux's makedev(3), as Python's os.stat gives st_rdev. */
function makedev(major: number, minor: number): number {
  return (major & 0xfff) * 2 ** 8 + (minor & 0xff) + (minor & ~0xff) * 2 ** 12 + Math.floor(major / 0x1000) * 2 ** 32;
}

export function statProbes(a: Args): Record<string, Probe<unknown>> {
  const p = shPath(a.path);
  const L = a.follow ? ' -L' : '';
  // Without follow a link is described as a link: its target is neither summed nor typed.
  const regular = a.follow ? `[ -f ${p} ]` : `[ -f ${p} ] && [ ! -L ${p} ]`;
  const exists = a.follow ? `[ -e ${p} ]` : `{ [ -L ${p} ] || [ -e ${p} ]; }`;
  const set: Record<string, Probe<unknown>> = {
    st: probe(`if ${exists}; then stat${L} -c '${FORMAT}' -- ${p}; else echo absent; fi`, (o) => o),
    access: probe(`[ -r ${p} ] && echo r; [ -w ${p} ] && echo w; [ -x ${p} ] && echo x; true`, (o) => o.out),
    ...(hasHome(a.path) ? { home: probe(HOME_PROBE, (o) => o.out) } : {}),
  };
  if (!a.follow) {
    set.target = probe(`if [ -L ${p} ]; then readlink -- ${p}; fi`, (o) => o.out.replace(/\n$/, ''));
    set.source = probe(`if [ -L ${p} ]; then readlink -m -- ${p}; fi`, (o) => o.out.replace(/\n$/, ''));
  }
  if (a.get_checksum || a.get_md5) {
    const sums = [...(a.get_checksum ? [a.checksum_algorithm] : []), ...(a.get_md5 ? ['md5'] : [])];
    for (const algo of new Set(sums)) {
      set[`sum.${algo}`] = probe(`if ${regular} && [ -r ${p} ]; then ${algo}sum < ${p}; fi`, (o) => (o.rc === 0 ? o.out.split(' ')[0]!.trim() : ''));
    }
  }
  if (a.get_mime) set.mime = probe(`command -v file >/dev/null 2>&1 || exit 127; file --mime-type --mime-encoding ${p} 2>/dev/null`, (o) => o);
  if (a.get_attributes) set.attr = probe(`command -v lsattr >/dev/null 2>&1 || exit 127; lsattr -vd -- ${p} 2>/dev/null`, (o) => o);
  return set;
}

type Out = { out: string; rc: number };

export function statResult(a: Args, got: Record<string, unknown>): Record<string, unknown> {
  const st = got.st as Out;
  const line = st.out.trim();
  if (line === 'absent') return { exists: false };
  const f = line.split(' ');
  if (st.rc !== 0 || f.length < 16) throw new ModuleError(`cannot stat ${a.path}: ${st.out.trim()}`);
  const mode = parseInt(f[0]!, 16);
  const num = (i: number) => Number(f[i]);
  const out: Record<string, unknown> = {
    exists: true,
    path: hasHome(a.path) ? expandHome(a.path, String(got.home ?? '')) : a.path,
    ...modeFacts(mode),
    uid: num(1),
    gid: num(2),
    size: num(3),
    inode: num(4),
    dev: num(5),
    nlink: num(6),
    atime: num(7),
    mtime: num(8),
    ctime: num(9),
    wusr: !!(mode & 0o200),
    rusr: !!(mode & 0o400),
    xusr: !!(mode & 0o100),
    wgrp: !!(mode & 0o020),
    rgrp: !!(mode & 0o040),
    xgrp: !!(mode & 0o010),
    woth: !!(mode & 0o002),
    roth: !!(mode & 0o004),
    xoth: !!(mode & 0o001),
    isuid: !!(mode & 0o4000),
    isgid: !!(mode & 0o2000),
    blocks: num(10),
    block_size: num(11),
    device_type: makedev(parseInt(f[12]!, 16), parseInt(f[13]!, 16)),
  };
  const access = got.access as string;
  out.readable = access.includes('r');
  out.writeable = access.includes('w');
  out.executable = access.includes('x');
  if (out.islnk) {
    out.lnk_source = got.source;
    out.lnk_target = got.target;
  }
  // GNU stat prints UNKNOWN for an id without a name; Ansible then leaves the field out.
  if (f[14] !== 'UNKNOWN') out.pw_name = f[14];
  if (f[15] !== 'UNKNOWN') out.gr_name = f[15];
  if (out.isreg && out.readable) {
    if (a.get_md5) out.md5 = got['sum.md5'] || null;
    if (a.get_checksum) out.checksum = got[`sum.${a.checksum_algorithm}`];
  }
  if (a.get_mime) {
    out.mimetype = out.charset = 'unknown';
    const m = got.mime as Out;
    const after = m.out.slice(m.out.lastIndexOf(':') + 1).split(';');
    if (m.rc === 0 && after.length === 2 && after[1]!.includes('=')) {
      out.mimetype = after[0]!.trim();
      out.charset = after[1]!.split('=')[1]!.trim();
    }
  }
  if (a.get_attributes) {
    out.version = null;
    out.attributes = [];
    out.attr_flags = '';
    const r = got.attr as Out;
    const words = r.out.trim().split(/\s+/);
    if (r.rc === 0 && words.length >= 2) {
      out.version = words[0];
      out.attr_flags = words[1]!.replace(/-/g, '');
      out.attributes = [...(out.attr_flags as string)].filter((c) => c in FILE_ATTRIBUTES).map((c) => FILE_ATTRIBUTES[c]);
    }
  }
  return out;
}

function kindOf(s: Record<string, unknown>): string {
  if (!s.exists) return 'does not exist';
  for (const [k, name] of [['isreg', 'a file'], ['isdir', 'a directory'], ['islnk', 'a link'], ['isfifo', 'a FIFO'], ['issock', 'a socket'], ['ischr', 'a character device'], ['isblk', 'a block device']]) {
    if (s[k!]) return `is ${name}`;
  }
  return 'exists';
}

export default defineModule<Args>({
  name: 'stat',
  speculative: true,
  ansibleNames: ['ansible.builtin.stat'],
  summary: "Read a path's status: type, owner, mode, size, times, checksum (Ansible's stat)",
  description: [
    "Ansible's stat with the same arguments and the same `stat` dictionary in the registered",
    'result (exists, path, mode, isreg/isdir/islnk…, uid/gid, pw_name/gr_name, size, inode, dev,',
    'nlink, atime/mtime/ctime, the r/w/x bits, readable/writeable/executable for the connecting',
    'user, lnk_source/lnk_target, checksum, mimetype/charset, attributes). Everything is read in',
    'one round trip with POSIX sh and GNU coreutils: no Python on the host. A leading ~ is the',
    "host's $HOME, as Ansible expands it there. mimetype needs file(1),",
    "attributes need lsattr(1); without them the fields read as Ansible's do without them",
    "('unknown', []). Never changes anything.",
  ].join('\n'),
  aliases: { dest: 'path', name: 'path', mime: 'get_mime', mime_type: 'get_mime', 'mime-type': 'get_mime', attr: 'get_attributes', attributes: 'get_attributes', checksum: 'checksum_algorithm', checksum_algo: 'checksum_algorithm' },
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', minLength: 1, description: 'The path to describe (aliases: dest, name).' },
      follow: { type: 'boolean', default: false, description: 'Describe the target of a link instead of the link.' },
      get_checksum: { type: 'boolean', default: true, description: "A regular file's checksum (checksum_algorithm)." },
      checksum_algorithm: {
        type: 'string',
        enum: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'],
        default: 'sha1',
        description: 'The checksum algorithm (aliases: checksum, checksum_algo).',
      },
      get_mime: { type: 'boolean', default: true, description: 'mimetype and charset from file(1) (aliases: mime, mime_type, mime-type).' },
      get_attributes: { type: 'boolean', default: true, description: 'Attributes from lsattr(1) (aliases: attr, attributes).' },
      get_md5: { type: 'boolean', default: false, description: "Also an md5 field (Ansible's undocumented option)." },
    },
  },
  examples: [
    '- stat:',
    '    path: /var/lib/postgresql/15/main/standby.signal',
    '  register: standby',
    '- debug:',
    '    msg: "{{ inventory_hostname }} is a standby"',
    '  when: standby.stat.exists',
  ].join('\n'),
  probes: statProbes,
  async check(_ctx, a, probed) {
    const s = statResult(a, probed);
    return { changed: false, reason: `${a.path} ${kindOf(s)}`, result: { stat: s } };
  },
  async apply() {
    // check never reports a change.
  },
});
