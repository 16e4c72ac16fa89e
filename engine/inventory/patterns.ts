// Ansible host patterns: 'all', '*', names, groups, globs, '~regex', subscripts ('web[0]',
// 'web[1:]'), joined by ':' or ',' as union, '&' intersection and '!' exclusion.
import { UsageError } from '../errors.js';

export interface PatternSource {
  /** Every host, in inventory order. */
  hosts: string[];
  groups: string[];
  /** A group's hosts, descendants' included, in inventory order. */
  members(group: string): string[];
}

/** The name of the implicit localhost, answered when the inventory has no such host. */
export const IMPLICIT_LOCALHOST = 'localhost';

export function selectHosts(src: PatternSource, pattern: string): string[] {
  const terms = splitPattern(pattern);
  const regular = terms.filter((t) => !t.startsWith('!') && !t.startsWith('&'));
  // A pattern of only exclusions or intersections starts from every host, as in Ansible.
  let picked = new Set<string>(regular.length ? regular.flatMap((t) => matchTerm(src, t)) : src.hosts);
  for (const t of terms.filter((x) => x.startsWith('&'))) {
    const keep = new Set(matchTerm(src, t.slice(1)));
    picked = new Set([...picked].filter((h) => keep.has(h)));
  }
  for (const t of terms.filter((x) => x.startsWith('!'))) for (const h of matchTerm(src, t.slice(1))) picked.delete(h);
  const ordered = src.hosts.filter((h) => picked.has(h));
  if (picked.has(IMPLICIT_LOCALHOST) && !src.hosts.includes(IMPLICIT_LOCALHOST)) ordered.push(IMPLICIT_LOCALHOST);
  return ordered;
}

/** Splits on commas when there are any, else on colons outside brackets (`web[0:2]:db`). */
function splitPattern(pattern: string): string[] {
  const parts = pattern.includes(',') ? pattern.split(',') : (pattern.match(/(?:[^:[\]]|\[[^\]]*\])+/g) ?? []);
  return parts.map((p) => p.trim()).filter(Boolean);
}

function matchTerm(src: PatternSource, term: string): string[] {
  const { base, subscript } = splitSubscript(term);
  const test = matcher(base);
  const groups = src.groups.filter(test);
  const found = new Set(groups.flatMap((g) => src.members(g)));
  if (!groups.length || base.startsWith('~') || /[.?*[]/.test(base)) for (const h of src.hosts.filter(test)) found.add(h);
  let hosts = src.hosts.filter((h) => found.has(h));
  if (!hosts.length && base === IMPLICIT_LOCALHOST) hosts = [IMPLICIT_LOCALHOST];
  if (!subscript) return hosts;
  const [from, to] = subscript;
  if (to !== undefined) return hosts.slice(from, to === 'end' ? undefined : to + 1);
  const one = hosts[from < 0 ? hosts.length + from : from];
  return one === undefined ? [] : [one];
}

/** `web[0]`, `web[-1]`, `web[0:2]` (inclusive), `web[1:]`. Regex terms have no subscript. */
function splitSubscript(term: string): { base: string; subscript?: [number, number | 'end' | undefined] } {
  if (term.startsWith('~')) return { base: term };
  const m = /^(.+)\[(?:(-?\d+)|(\d+):(\d*))\]$/.exec(term);
  if (!m) return { base: term };
  if (m[2] !== undefined) return { base: m[1]!, subscript: [Number(m[2]), undefined] };
  return { base: m[1]!, subscript: [Number(m[3]), m[4] ? Number(m[4]) : 'end'] };
}

function matcher(term: string): (name: string) => boolean {
  if (term.startsWith('~')) {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${term.slice(1)})`);
    } catch (e) {
      throw new UsageError(`invalid regular expression in host pattern '${term}': ${(e as Error).message}`);
    }
    return (name) => re.test(name);
  }
  if (!/[*?[]/.test(term)) return (name) => name === term;
  const re = new RegExp(`^${globToRegex(term)}$`);
  return (name) => re.test(name);
}

/** fnmatch: `*`, `?`, `[abc]`, `[!abc]`; everything else literal. */
function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[' && glob.indexOf(']', i + 2) > 0) {
      const end = glob.indexOf(']', i + 2);
      let set = glob.slice(i + 1, end);
      if (set.startsWith('!')) set = `^${set.slice(1)}`;
      out += `[${set.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else out += c.replace(/[.+^${}()|\\/[\]]/g, '\\$&');
  }
  return out;
}
