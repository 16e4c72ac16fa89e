// find: Ansible's find — files, folders or links under some paths matching name patterns
// (globs or Python regular expressions), age, size and content. One `find -printf` listing per
// path in one round trip; `contains` and `get_checksum` read the candidates in a second one.
import { ModuleError, type ModuleContext, defineModule, PyRegexError, compilePyRegex, toBinary, quote, raw, readProbes, type ProbeOutput, type ProbeSet } from '../sdk/index.js';
import { modeFacts } from './lib/stat-mode.js';
import { HOME_PROBE, expandHome, shPath } from './lib/home-path.js';

interface Args {
  paths: string | string[];
  patterns: string | string[];
  excludes?: string | string[];
  contains?: string;
  read_whole_file: boolean;
  file_type: 'any' | 'directory' | 'file' | 'link';
  age?: string;
  age_stamp: 'atime' | 'ctime' | 'mtime';
  size?: string;
  recurse: boolean;
  hidden: boolean;
  follow: boolean;
  get_checksum: boolean;
  use_regex: boolean;
  depth?: number;
}

/** One entry of a listing: its lstat (type letters of find's %y, %Y for the followed type). */
interface Entry {
  rel: string;
  type: string;
  followedType: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  inode: number;
  dev: number;
  nlink: number;
  atime: number;
  mtime: number;
  ctime: number;
  user: string;
  group: string;
}

const FORMAT = '%y %Y %m %U %G %s %i %D %n %A@ %T@ %C@ %u %g %P\\0';

/** Ansible's type=list: a string is split at commas. */
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : v.split(',').map((s) => s.trim()).filter(Boolean));

function listProbes(paths: string[], a: Args): ProbeSet {
  // Entries deeper than `depth` are skipped, but the folders at `depth` are still read (examined).
  const max = !a.recurse ? ' -maxdepth 1' : a.depth ? ` -maxdepth ${a.depth + 1}` : '';
  return {
    // Ages are measured with the host's clock, as Ansible's find does.
    now: raw('date +%s.%N'),
    home: raw(HOME_PROBE),
    ...Object.fromEntries(
      paths.map((p, i) => [`p${i}`, raw(`if [ -d ${shPath(p)} ]; then find${a.follow ? ' -L' : ''} ${shPath(p)} -mindepth 1${max} -printf '${FORMAT}'; else printf "'%s' is not a directory\\n" ${shPath(p)} >&2; exit 3; fi`)]),
    ),
  };
}

/** The filters of the task: bad ones are refused before anything is read. */
function filters(a: Args) {
  return {
    age: parseAmount(a.age, { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }, 'age'),
    size: parseAmount(a.size, { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }, 'size'),
    nameOk: nameFilter(a),
  };
}

export function parseListing(out: string): Entry[] {
  const entries: Entry[] = [];
  for (const rec of out.split('\0')) {
    if (rec === '' || rec === '\n') continue;
    const f = rec.replace(/^\n/, '').split(' ');
    if (f.length < 15) continue;
    const rel = f.slice(14).join(' ');
    entries.push({
      rel,
      type: f[0]!,
      followedType: f[1]!,
      mode: parseInt(f[2]!, 8),
      uid: Number(f[3]),
      gid: Number(f[4]),
      size: Number(f[5]),
      inode: Number(f[6]),
      dev: Number(f[7]),
      nlink: Number(f[8]),
      atime: Number(f[9]),
      mtime: Number(f[10]),
      ctime: Number(f[11]),
      user: f[12] === f[3] ? '' : f[12]!,
      group: f[13] === f[4] ? '' : f[13]!,
    });
  }
  return entries;
}

/** The order os.walk gives: per folder its files, then its folders; then each folder in turn. */
export function walkOrder(entries: Entry[], follow: boolean): Entry[] {
  const children = new Map<string, Entry[]>();
  for (const e of entries) {
    const i = e.rel.lastIndexOf('/');
    const parent = i < 0 ? '' : e.rel.slice(0, i);
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent)!.push(e);
  }
  const out: Entry[] = [];
  const visit = (dir: string) => {
    const kids = children.get(dir) ?? [];
    // os.walk's is_dir() follows links: a link to a folder is among the folders.
    const isDir = (e: Entry) => e.type === 'd' || (e.type === 'l' && e.followedType === 'd');
    const files = kids.filter((e) => !isDir(e));
    const dirs = kids.filter(isDir);
    out.push(...files, ...dirs);
    for (const d of dirs) if (d.type === 'd' || follow) visit(d.rel);
  };
  visit('');
  return out;
}

/** Python's fnmatch.translate, anchored. */
export function fnmatchRegExp(pat: string): RegExp {
  let re = '';
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i]!;
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '[') {
      let j = i + 1;
      if (pat[j] === '!') j++;
      if (pat[j] === ']') j++;
      while (j < pat.length && pat[j] !== ']') j++;
      if (j >= pat.length) re += '\\[';
      else {
        let stuff = pat.slice(i + 1, j).replace(/\\/g, '\\\\');
        i = j;
        if (stuff.startsWith('!')) stuff = `^${stuff.slice(1)}`;
        else if (stuff.startsWith('^')) stuff = `\\${stuff}`;
        re += `[${stuff.replace(/\]/g, '\\]')}]`;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`);
}

function pyMatcher(p: string, what: string): (s: string) => boolean {
  let re: RegExp;
  try {
    const rx = compilePyRegex(toBinary(p)).re;
    re = new RegExp(rx.source, `${rx.flags}y`);
  } catch (e) {
    if (e instanceof PyRegexError) throw new ModuleError(`find: bad regular expression in ${what}: ${p}: ${e.message}`);
    throw e;
  }
  return (s) => {
    re.lastIndex = 0;
    return re.test(toBinary(s));
  };
}

/** Ansible's pfilter: a pattern matches and no exclude does. */
function nameFilter(a: Args): (name: string) => boolean {
  let patterns = list(a.patterns);
  if (!patterns.length) patterns = [a.use_regex ? '.*' : '*'];
  const excludes = list(a.excludes);
  const m = (p: string) => (a.use_regex ? pyMatcher(p, 'patterns') : ((re: RegExp) => (s: string) => re.test(s))(fnmatchRegExp(p)));
  const pm = patterns.map(m);
  const em = excludes.map(m);
  return (name) => pm.some((f) => f(name)) && !em.some((f) => f(name));
}

function parseAmount(v: string | undefined, units: Record<string, number>, what: string): number | undefined {
  if (v === undefined) return undefined;
  const m = new RegExp(`^(-?\\d+)([${Object.keys(units).join('')}])?$`).exec(v.toLowerCase());
  if (!m) throw new ModuleError(`failed to process ${what}`, { [what]: v });
  return parseInt(m[1]!, 10) * (m[2] ? units[m[2]]! : 1);
}

function statInfo(e: Entry, path: string): Record<string, unknown> {
  const type = { f: 0o100000, d: 0o040000, l: 0o120000, p: 0o010000, s: 0o140000, c: 0o020000, b: 0o060000 }[e.type] ?? 0;
  const m = e.mode;
  return {
    path,
    ...modeFacts(type | (m & 0o7777)),
    uid: e.uid,
    gid: e.gid,
    size: e.size,
    inode: e.inode,
    dev: e.dev,
    nlink: e.nlink,
    atime: e.atime,
    mtime: e.mtime,
    ctime: e.ctime,
    gr_name: e.group,
    pw_name: e.user,
    wusr: !!(m & 0o200),
    rusr: !!(m & 0o400),
    xusr: !!(m & 0o100),
    wgrp: !!(m & 0o020),
    rgrp: !!(m & 0o040),
    xgrp: !!(m & 0o010),
    woth: !!(m & 0o002),
    roth: !!(m & 0o004),
    xoth: !!(m & 0o001),
    isuid: !!(m & 0o4000),
    isgid: !!(m & 0o2000),
  };
}

/** Python's os.path.normpath for the absolute or relative paths find is given. */
function normpath(p: string): string {
  const abs = p.startsWith('/');
  const parts: string[] = [];
  for (const s of p.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..' && parts.length && parts[parts.length - 1] !== '..') parts.pop();
    else if (s !== '..' || !abs) parts.push(s);
  }
  const out = (abs ? '/' : '') + parts.join('/');
  return out || (abs ? '/' : '.');
}

/** Python's text-mode line iteration (universal newlines), each line with its '\n'. */
function textLines(text: string): string[] {
  const t = text.replace(/\r\n?/g, '\n');
  const lines = t.split(/(?<=\n)/);
  return lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines;
}

async function contentChecks(ctx: ModuleContext, a: Args, paths: string[]): Promise<{ contains: Set<string>; sums: Map<string, string> }> {
  const contains = new Set<string>();
  const sums = new Map<string, string>();
  if (!paths.length) return { contains, sums };
  const probes: ProbeSet = {};
  paths.forEach((p, i) => {
    if (a.contains !== undefined) probes[`c${i}`] = raw(`base64 < ${quote(p)}`);
    if (a.get_checksum) probes[`s${i}`] = raw(`sha1sum < ${quote(p)}`);
  });
  // A second read: which files to read depends on what the listing found.
  const s = (await readProbes(ctx, probes)) as Record<string, ProbeOutput | undefined>;
  let prog: RegExp | undefined;
  if (a.contains !== undefined) {
    try {
      prog = compilePyRegex(toBinary(a.contains)).re;
    } catch (e) {
      if (e instanceof PyRegexError) throw new ModuleError(`find: bad regular expression in contains: ${e.message}`);
      throw e;
    }
  }
  paths.forEach((p, i) => {
    const c = s[`c${i}`];
    if (prog && c?.rc === 0) {
      const bytes = Buffer.from(c.out, 'base64');
      // Python reads the file as UTF-8 text: a file that is not UTF-8 never matches.
      const text = new TextDecoder('utf-8', { fatal: true });
      let decoded: string | undefined;
      try {
        decoded = text.decode(bytes);
      } catch {
        decoded = undefined;
      }
      if (decoded !== undefined) {
        const sticky = new RegExp(prog.source, `${prog.flags}y`);
        const hit = a.read_whole_file
          ? prog.test(toBinary(decoded.replace(/\r\n?/g, '\n')))
          : textLines(decoded).some((l) => ((sticky.lastIndex = 0), sticky.test(toBinary(l))));
        if (hit) contains.add(p);
      }
    }
    const sum = s[`s${i}`];
    if (sum?.rc === 0) sums.set(p, sum.out.split(' ')[0]!.trim());
  });
  return { contains, sums };
}

export default defineModule<Args>({
  name: 'find',
  speculative: true,
  ansibleNames: ['ansible.builtin.find'],
  summary: "Find files, folders or links by name, age, size or content (Ansible's find)",
  description: [
    "Ansible's find: under each of `paths` (only their top level unless `recurse`, to `depth`",
    'levels), the entries of `file_type` (file, directory, link, any) whose name matches one of',
    '`patterns` (shell globs, or Python regular expressions matched at the start with',
    '`use_regex`) and none of `excludes`, older than `age` (or newer, negative; s m h d w, by',
    '`age_stamp`), at least `size` (or at most, negative; b k m g t) and with a line starting',
    'with a match of `contains` (anywhere in the file with `read_whole_file`). Hidden entries',
    'only with `hidden`. The result has `files` (path and stat fields of each, in the order',
    "Ansible's walk gives them), matched, examined, msg and skipped_paths. Uses GNU find on the",
    'host: one round trip, plus one to read the candidates for contains/get_checksum.',
    'With `follow: true` the fields describe what links point to (find -L).',
  ].join('\n'),
  aliases: { name: 'paths', path: 'paths', pattern: 'patterns', exclude: 'excludes' },
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['paths'],
    properties: {
      paths: { type: ['string', 'array'], items: { type: 'string' }, description: 'Folders to search (a list, or comma-separated; aliases: name, path).' },
      patterns: { type: ['string', 'array'], items: { type: 'string' }, default: [], description: 'Name patterns, any of which must match (alias: pattern).' },
      excludes: { type: ['string', 'array'], items: { type: 'string' }, description: 'Name patterns that exclude (alias: exclude).' },
      contains: { type: 'string', description: 'A Python regular expression a line must start with a match of.' },
      read_whole_file: { type: 'boolean', default: false, description: 'Search contains in the whole file, not line by line.' },
      file_type: { type: 'string', enum: ['any', 'directory', 'file', 'link'], default: 'file', description: 'What kind of entries.' },
      age: { type: 'string', pattern: '^-?\\d+[smhdwSMHDW]?$', description: 'At least this old (negative: at most); units s m h d w.' },
      age_stamp: { type: 'string', enum: ['atime', 'ctime', 'mtime'], default: 'mtime', description: 'The time age compares.' },
      size: { type: 'string', pattern: '^-?\\d+[bkmgtBKMGT]?$', description: 'At least this size (negative: at most); units b k m g t.' },
      recurse: { type: 'boolean', default: false, description: 'Search sub-folders too.' },
      hidden: { type: 'boolean', default: false, description: 'Include names starting with a dot.' },
      follow: { type: 'boolean', default: false, description: 'Follow links to folders.' },
      get_checksum: { type: 'boolean', default: false, description: "The SHA-1 of each file found (checksum)." },
      use_regex: { type: 'boolean', default: false, description: 'patterns and excludes are Python regular expressions, not globs.' },
      depth: { type: 'integer', minimum: 1, description: 'With recurse: how many levels deep.' },
    },
  },
  examples: [
    '- find:',
    '    paths: /var/lib/postgresql/15/main/pg_wal',
    "    patterns: '0000*'",
    '    age: 2d',
    '  register: old_wal',
  ].join('\n'),
  probes: (a) => {
    filters(a);
    return listProbes(list(a.paths), a);
  },
  async check(ctx, a, probed) {
    const paths = list(a.paths);
    const { age, size, nameOk } = filters(a);
    const out = probed as Record<string, ProbeOutput | undefined>;
    const now = Number(out.now?.out.trim()) || Date.now() / 1000;
    const ageOk = (e: Entry) => {
      if (age === undefined) return true;
      const t = e[a.age_stamp];
      return age >= 0 ? now - t >= Math.abs(age) : now - t <= Math.abs(age);
    };
    const sizeOk = (e: Entry) => size === undefined || (size >= 0 ? e.size >= Math.abs(size) : e.size <= Math.abs(size));
    const skipped: Record<string, string> = {};
    let examined = 0;
    const found: { e: Entry; path: string; needsContent: boolean }[] = [];
    const home = out.home?.out ?? '';
    paths.forEach((given, i) => {
      const npath = expandHome(given, home);
      const s = out[`p${i}`];
      if (!s || s.rc !== 0) {
        skipped[npath] = (s?.out ?? 'no output').trim().split('\n').pop() || `cannot search ${npath}`;
        return;
      }
      const entries = walkOrder(parseListing(s.out), a.follow);
      const base = npath.replace(/\/+$/, '');
      for (const e of entries) {
        const depth = e.rel.split('/').length;
        examined++;
        if (a.recurse && a.depth && depth > a.depth) continue;
        const name = e.rel.slice(e.rel.lastIndexOf('/') + 1);
        if (name.startsWith('.') && !a.hidden) continue;
        const path = normpath(`${base}/${e.rel}`);
        const reg = e.type === 'f';
        if (a.file_type === 'any') {
          if (nameOk(name) && ageOk(e) && (!reg || sizeOk(e))) found.push({ e, path, needsContent: false });
        } else if (a.file_type === 'directory' && e.type === 'd') {
          if (nameOk(name) && ageOk(e)) found.push({ e, path, needsContent: false });
        } else if (a.file_type === 'file' && reg) {
          if (nameOk(name) && ageOk(e) && sizeOk(e)) found.push({ e, path, needsContent: a.contains !== undefined });
        } else if (a.file_type === 'link' && e.type === 'l') {
          if (nameOk(name) && ageOk(e)) found.push({ e, path, needsContent: false });
        }
      }
    });
    const toRead = found.filter((f) => f.needsContent || (a.get_checksum && f.e.type === 'f')).map((f) => f.path);
    const { contains, sums } = await contentChecks(ctx, a, [...new Set(toRead)]);
    const files = found
      .filter((f) => !f.needsContent || contains.has(f.path))
      .map((f) => ({ ...statInfo(f.e, f.path), ...(a.get_checksum && f.e.type === 'f' && sums.has(f.path) ? { checksum: sums.get(f.path) } : {}) }));
    const msg = Object.keys(skipped).length ? 'Not all paths examined, check warnings for details' : 'All paths examined';
    for (const [p, why] of Object.entries(skipped)) ctx.log(`find: skipped '${p}' path due to this access issue: ${why}`);
    return {
      changed: false,
      reason: `${files.length} of ${examined} entries matched${Object.keys(skipped).length ? ` (skipped: ${Object.keys(skipped).join(', ')})` : ''}`,
      result: { files, matched: files.length, examined, msg, skipped_paths: skipped },
    };
  },
  async apply() {
    // check never reports a change.
  },
});
