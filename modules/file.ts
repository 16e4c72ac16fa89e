// file: Ansible's file module: a path's kind (file, directory, link, hard link, absent, touched)
// and its owner/group/mode, recursively for directories. The check reads everything it needs
// in one round trip.
import { dirname, isAbsolute, join } from 'node:path';
import {
  ModuleError,
  applyAttrsScript,
  attrChanges,
  attrSchema,
  defineModule,
  formatMode,
  normalizeMode,
  parseStat,
  quote,
  resolveAttrs,
  raw,
  resolveMode,
  statProbe,
  type ApplyResult,
  type CheckResult,
  type ModuleContext,
  type PathStat,
  type ProbeOutput,
  type ProbeSet,
  type ResolvedAttrs,
} from '../sdk/index.js';
type State = 'file' | 'directory' | 'absent' | 'touch' | 'link' | 'hard';
/** Ansible's get_state(): the kind of what is at a path, without following a link. */
type PrevState = 'absent' | 'file' | 'directory' | 'link' | 'hard';

interface Args {
  path: string;
  state?: State;
  src?: string;
  owner?: string;
  group?: string;
  mode?: string | number;
  recurse: boolean;
  follow: boolean;
  force: boolean;
}

interface Plan {
  /** The commands apply runs, in order, as one script. */
  script: string;
}

function prevState(st: PathStat): PrevState {
  if (st.kind === 'absent' || st.kind === 'link' || st.kind === 'directory') return st.kind;
  return st.nlink > 1 ? 'hard' : 'file';
}

const TREE_FORMAT = 'stat %f %u %g %h %i %s %U %G %n';

function probes(a: Args): ProbeSet {
  const set: ProbeSet = { path: raw(statProbe(a.path)) };
  if (a.recurse) set.tree = raw(`find ${quote(a.path)}/ -mindepth 1 -exec stat -c '${TREE_FORMAT}' -- {} +`);
  if (a.src !== undefined) set.src = raw(statProbe(linkSource(a.path, a.src)));
  if (a.state === 'link') set.empty = raw(`[ -d ${quote(a.path)} ] && [ -z "$(ls -A -- ${quote(a.path)})" ] && echo empty || echo not-empty`);
  return set;
}

/** The path a link's target designates: a relative target is relative to the link's folder. */
function linkSource(path: string, src: string): string {
  return isAbsolute(src) ? src : join(dirname(path), src);
}

interface Outcome {
  /** What changes, in words; empty: nothing. */
  changes: string[];
  script: string[];
  /** touch: always a change, so nothing a re-check could confirm. */
  run?: boolean;
}

const nothing = (): Outcome => ({ changes: [], script: [] });

/** Attribute differences of an existing path, and the commands that fix them. */
function attrsOutcome(path: string, st: PathStat, a: Args, opts: { noFollow?: boolean } = {}): Outcome {
  const attrs = resolveAttrs(a, st);
  // A link's own permissions cannot be changed: only compare its owner and group.
  const wanted: ResolvedAttrs = opts.noFollow && st.kind === 'link' ? { ...attrs, mode: undefined } : attrs;
  const changes = attrChanges(st, wanted);
  return { changes, script: changes.length ? [applyAttrsScript(path, wanted, opts)] : [] };
}

/** Entries under a directory whose owner/group/mode differ (recurse: true). */
function treeOutcome(path: string, out: string, umask: number, a: Args): Outcome {
  const mode = normalizeMode(a.mode);
  let differing = 0;
  for (const line of out.split('\n')) {
    if (!line.startsWith('stat ')) continue;
    const f = line.split(' ');
    const st = parseStat(`${f.slice(0, 9).join(' ')}\numask ${formatMode(umask)}`);
    const wantMode = mode === undefined || st.kind === 'link' ? undefined : formatMode(resolveMode(mode, st.perm, st.kind === 'directory', umask));
    if (attrChanges(st, { owner: a.owner, group: a.group, mode: wantMode }).length) differing++;
  }
  if (!differing) return nothing();
  // chmod -R applies a symbolic mode to each entry as the comparison above did.
  const attrs: ResolvedAttrs = { owner: a.owner, group: a.group, mode };
  return {
    changes: [`${differing} ${differing === 1 ? 'entry' : 'entries'} under ${path} to change owner/group/mode`],
    script: [applyAttrsScript(path, { ...attrs, mode: undefined }, { recurse: true, noFollow: true }), applyAttrsScript(path, { mode }, { recurse: true })].filter(Boolean),
  };
}

function ensureFile(a: Args, st: PathStat, prev: PrevState): Outcome {
  let path = a.path;
  let target = st;
  if (prev === 'link' && a.follow) {
    if (!st.target) throw new ModuleError(`file (${a.path}) is absent, cannot continue`);
    target = { ...st.target, umask: st.umask };
    path = linkSource(a.path, st.linkTarget!);
  }
  const kind = target === st ? prev : prevState(target);
  if (kind !== 'file' && kind !== 'hard') throw new ModuleError(`file (${path}) is ${kind}, cannot continue`);
  return attrsOutcome(path, target, a);
}

function ensureDirectory(a: Args, st: PathStat, prev: PrevState, tree: string | undefined): Outcome {
  let path = a.path;
  let target = st;
  let kind = prev;
  if (prev === 'link' && a.follow && st.target) {
    target = { ...st.target, umask: st.umask };
    path = linkSource(a.path, st.linkTarget!);
    kind = prevState(target);
  }
  if (kind === 'absent') {
    // Like Ansible, every folder created on the way gets the owner/group/mode.
    const attrs = resolveAttrs(a, target, 'directory');
    const parts = path.split('/').filter(Boolean);
    const dirs = parts.map((_, i) => (path.startsWith('/') ? '/' : '') + parts.slice(0, i + 1).join('/'));
    const script = dirs.map((d) => {
      const set = applyAttrsScript(d, attrs);
      return `if [ ! -e ${quote(d)} ]; then mkdir -- ${quote(d)}${set ? ` && ${set}` : ''}; fi`;
    });
    return { changes: [`create directory ${path}`], script };
  }
  if (kind !== 'directory') throw new ModuleError(`${path} already exists as a ${kind}`);
  const own = attrsOutcome(path, target, a);
  const sub = tree !== undefined ? treeOutcome(path, tree, st.umask, a) : nothing();
  return { changes: [...own.changes, ...sub.changes], script: [...own.script, ...sub.script] };
}

function ensureAbsent(a: Args, prev: PrevState): Outcome {
  if (prev === 'absent') return nothing();
  const rm = prev === 'directory' ? `rm -rf -- ${quote(a.path)}` : `rm -f -- ${quote(a.path)}`;
  return { changes: [`remove ${prev === 'directory' ? 'directory' : prev} ${a.path}`], script: [rm] };
}

function touch(a: Args, st: PathStat, prev: PrevState): Outcome {
  const attrs = resolveAttrs(a, st);
  const script = [`touch -- ${quote(a.path)}`, applyAttrsScript(a.path, attrs)].filter(Boolean);
  // Like Ansible, touching updates the timestamps: always a change, not verifiable by a re-check.
  return { changes: [prev === 'absent' ? `create ${a.path}` : `touch ${a.path}`], script, run: true };
}

/** Replace whatever is at the path by a new link, atomically (a temp link renamed over it). */
function replaceByLink(a: Args, prev: PrevState, lnFlags: string, src: string): string {
  const p = quote(a.path);
  if (prev === 'absent') return `ln ${lnFlags}-- ${quote(src)} ${p}`;
  const tmp = quote(join(dirname(a.path), `.tsplay.link.${process.pid}.${Date.now()}`));
  return [prev === 'directory' ? `rmdir -- ${p}` : '', `ln ${lnFlags}-- ${quote(src)} ${tmp}`, `mv -Tf -- ${tmp} ${p}`].filter(Boolean).join(' && ');
}

function ensureLink(a: Args, st: PathStat, prev: PrevState, srcStat: PathStat | undefined, dirEmpty: boolean): Outcome {
  let src = a.src;
  if (src === undefined && a.follow && prev === 'link') src = st.linkTarget;
  // What the link will point to (its current target when src is not given).
  const srcTarget = a.src !== undefined ? followedStat(srcStat) : st.target && { ...st.target, umask: st.umask };
  if (!a.force && src !== undefined && !srcTarget) {
    throw new ModuleError(`src file does not exist, use "force=yes" if you really want to create the link: ${linkSource(a.path, src)}`);
  }
  if (prev === 'directory') {
    if (!a.force) throw new ModuleError(`refusing to convert from directory to symlink for ${a.path}`);
    if (!dirEmpty) throw new ModuleError(`the directory ${a.path} is not empty, refusing to convert it`);
  } else if ((prev === 'file' || prev === 'hard') && !a.force) {
    throw new ModuleError(`refusing to convert from ${prev} to symlink for ${a.path}`);
  }
  const out: Outcome = nothing();
  if (prev !== 'link') {
    if (src === undefined) throw new ModuleError('src is required for creating new symlinks');
    out.changes.push(`link ${a.path} -> ${src}`);
    out.script.push(replaceByLink(a, prev, '-s ', src));
  } else if (src !== undefined && st.linkTarget !== src) {
    out.changes.push(`link ${a.path} -> ${src} (was -> ${st.linkTarget})`);
    out.script.push(replaceByLink(a, prev, '-s ', src));
  }
  // Attributes go to the link's target when following (if it exists), else to the link itself.
  if (a.follow) {
    if (srcTarget) merge(out, attrsOutcome(linkSource(a.path, src!), srcTarget, a));
  } else if (out.changes.length === 0) merge(out, attrsOutcome(a.path, st, a, { noFollow: true }));
  else {
    // A new link belongs to whoever creates it: set owner/group on it in any case.
    const script = applyAttrsScript(a.path, { owner: a.owner, group: a.group }, { noFollow: true });
    if (script) out.script.push(script);
  }
  return out;
}

/** The stat of what a probed path designates, through a link; undefined when nothing is there. */
function followedStat(st: PathStat | undefined): PathStat | undefined {
  if (!st || st.kind === 'absent') return undefined;
  if (st.kind === 'link') return st.target && { ...st.target, umask: st.umask };
  return st;
}

const followedKind = (st: PathStat | undefined): PathStat['kind'] => followedStat(st)?.kind ?? 'absent';

function ensureHard(a: Args, st: PathStat, prev: PrevState, srcStat: PathStat | undefined): Outcome {
  if (prev !== 'hard' && a.src === undefined) throw new ModuleError('src is required for creating new hardlinks');
  if (a.src !== undefined && followedKind(srcStat) === 'absent') throw new ModuleError(`src does not exist: ${a.src}`);
  const src = a.src;
  const srcFile = followedStat(srcStat);
  const out = nothing();
  let needed = false;
  if (prev === 'absent') needed = true;
  else if (prev === 'link') needed = st.linkTarget !== src;
  else if (prev === 'hard') {
    if (src !== undefined && st.inode !== srcFile?.inode) {
      if (!a.force) throw new ModuleError('Cannot link, different hard link exists at destination');
      needed = true;
    }
  } else if (prev === 'file') {
    if (!a.force) throw new ModuleError('Cannot link, file exists at destination');
    needed = true;
  } else throw new ModuleError(`Cannot link: ${a.path} is a directory`);
  if (needed) {
    out.changes.push(`hard link ${a.path} => ${src}`);
    out.script.push(replaceByLink(a, prev, '', src!));
  }
  // After linking, the path shares src's inode and attributes.
  const after = needed && srcFile ? srcFile : st;
  merge(out, attrsOutcome(a.path, after, a));
  return out;
}

function merge(into: Outcome, more: Outcome): void {
  into.changes.push(...more.changes);
  into.script.push(...more.script);
}

async function check(_ctx: ModuleContext, a: Args, probed: Record<string, unknown>): Promise<CheckResult<Plan>> {
  const s = probed as Partial<Record<'path' | 'tree' | 'src' | 'empty', ProbeOutput>>;
  const st = parseStat(s.path?.out ?? '');
  const prev = prevState(st);
  const state: State = a.state ?? (prev !== 'absent' ? prev : a.recurse ? 'directory' : 'file');
  if (a.recurse && state !== 'directory') throw new ModuleError("recurse option requires state to be 'directory'");
  if (a.src !== undefined && state !== 'link' && state !== 'hard') throw new ModuleError("src option requires state to be 'link' or 'hard'");
  if (a.mode !== undefined) normalizeMode(a.mode);
  const srcStat = s.src ? parseStat(s.src.out) : undefined;
  if (s.tree && s.tree.rc !== 0 && prev !== 'absent') throw new ModuleError(`cannot list ${a.path}: ${s.tree.out.trim()}`);
  let o: Outcome;
  switch (state) {
    case 'absent':
      o = ensureAbsent(a, prev);
      break;
    case 'file':
      if (prev === 'absent') throw new ModuleError(`file (${a.path}) is absent, cannot continue`);
      o = ensureFile(a, st, prev);
      break;
    case 'directory':
      o = ensureDirectory(a, st, prev, s.tree?.out);
      break;
    case 'touch':
      o = touch(a, st, prev);
      break;
    case 'link':
      o = ensureLink(a, st, prev, srcStat, s.empty?.out.trim() === 'empty');
      break;
    case 'hard':
      o = ensureHard(a, st, prev, srcStat);
      break;
  }
  if (!o.changes.length) return { changed: false, reason: `${a.path} is ${state === 'absent' ? 'absent' : `a ${state === 'hard' ? 'hard link' : state}`} as wanted`, result: { path: a.path, state } };
  return {
    changed: true,
    description: o.changes.join('; '),
    plan: { script: ['set -e', ...o.script].join('\n') },
    ...(o.run ? { kind: 'run' as const } : {}),
    result: { path: a.path, state },
  };
}

async function apply(ctx: ModuleContext, a: Args, plan: Plan): Promise<ApplyResult> {
  await ctx.run(plan.script);
  return { result: { path: a.path } };
}

export default defineModule<Args, Plan>({
  name: 'file',
  speculative: true,
  summary: 'Manage a path: file, directory, link, hard link, absent, touch; owner/group/mode',
  description: [
    "Ansible's file module. Without `state`, an existing path keeps its kind (and a missing",
    "one is an error, as state=file is). `directory` creates missing parents (each gets",
    'owner/group/mode, as in Ansible) and with `recurse: true` applies owner/group/mode to',
    'everything below. `link`/`hard` need `src` (a relative symlink src is relative to the',
    "link's folder) and replace an existing file or empty folder only with `force: true`.",
    '`touch` always reports a change (it updates the timestamps). `follow` (default true)',
    "applies attributes to a link's target. Modes: '0644', 0644 (YAML integer) or u=rw,g=r,o=r.",
  ].join('\n'),
  aliases: { dest: 'path', name: 'path' },
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', description: 'The path to manage (aliases: dest, name).' },
      state: {
        type: 'string',
        enum: ['file', 'directory', 'absent', 'touch', 'link', 'hard'],
        description: 'What the path should be; default: what it is now (file when missing).',
      },
      src: { type: 'string', description: 'Target of a link (state link or hard).' },
      ...attrSchema,
      recurse: { type: 'boolean', default: false, description: 'Apply owner/group/mode to everything under a directory.' },
      follow: { type: 'boolean', default: true, description: "Apply attributes to a link's target rather than the link." },
      force: { type: 'boolean', default: false, description: 'Replace a file or empty folder by a link, or link to a missing src.' },
    },
  },
  examples: [
    '- file: { path: /var/lib/postgresql/archive, state: directory, owner: postgres, group: postgres, mode: "0700" }',
    '- file: { path: /etc/pgpool2/pool_passwd, owner: postgres, mode: "0600" }',
    '- file: { path: /usr/local/bin/pg_ctl, src: /usr/lib/postgresql/15/bin/pg_ctl, state: link }',
  ].join('\n'),
  probes,
  check,
  apply: (ctx, args, change) => apply(ctx, args, change.plan!),
});
