// Lookups (`lookup('env', 'HOME')`, `query('file', 'a', 'b')`): they run on the controller, as
// in Ansible. Files are searched in the playbook's `files/` and `templates/` folders, then beside
// the playbook. Their results are data: never templated again.
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { PyTuple, TemplateError, isDict, str, truthy, type Dict } from './values.js';

export interface LookupContext {
  /** Folders searched for relative file names, in order. */
  searchPath: string[];
  /** Renders a template file with the current variables (the `template` lookup). */
  renderFile(path: string): string;
  /** A variable's value, or undefined (the `vars` lookup). */
  variable(name: string): unknown;
}

export type LookupFn = (terms: unknown[], kw: Record<string, unknown>, ctx: LookupContext) => unknown[];

function findFile(ctx: LookupContext, name: string, sub: string): string | undefined {
  if (isAbsolute(name)) return existsSync(name) ? name : undefined;
  for (const dir of ctx.searchPath) {
    for (const candidate of [join(dir, sub, name), join(dir, name)]) if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const flat = (terms: unknown[]): unknown[] => terms.flatMap((t) => (Array.isArray(t) ? t : [t]));

const CHARSETS: Record<string, string> = {
  ascii_letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ascii_lowercase: 'abcdefghijklmnopqrstuvwxyz',
  ascii_uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
};

/** `password` lookup: the file's first line, or a new random password saved in it. */
function password(terms: unknown[], kw: Record<string, unknown>, ctx: LookupContext): unknown[] {
  return terms.map((t) => {
    const [path, ...params] = str(t).split(/\s+/);
    const opts: Record<string, string> = {};
    for (const p of params) {
      const i = p.indexOf('=');
      if (i > 0) opts[p.slice(0, i)] = p.slice(i + 1);
    }
    for (const [k, v] of Object.entries(kw)) opts[k] = str(v);
    const file = path === '/dev/null' ? undefined : isAbsolute(path!) ? path! : join(ctx.searchPath[0] ?? '.', path!);
    if (file && existsSync(file)) return readFileSync(file, 'utf8').split('\n')[0]!.split(' salt=')[0]!;
    const length = Number(opts.length ?? 20);
    const chars = (opts.chars ?? 'ascii_letters,digits,.,:-_').split(',').map((c) => CHARSETS[c] ?? c).join('');
    let pw = '';
    for (let i = 0; i < length; i++) pw += chars[randomInt(chars.length)];
    if (file) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${pw}\n`, { mode: 0o600 });
    }
    return pw;
  });
}

export const lookups: Record<string, LookupFn> = {
  env: (terms, kw) => flat(terms).map((t) => process.env[str(t)] ?? (kw.default !== undefined ? kw.default : '')),
  file: (terms, kw, ctx) =>
    flat(terms).map((t) => {
      const f = findFile(ctx, str(t), 'files');
      if (!f) throw new TemplateError(`could not locate file in lookup: ${str(t)}`);
      let text = readFileSync(f, 'utf8');
      if (truthy(kw.rstrip ?? true)) text = text.replace(/\s+$/, '');
      if (truthy(kw.lstrip ?? false)) text = text.replace(/^\s+/, '');
      return text;
    }),
  pipe: (terms, _kw, ctx) =>
    flat(terms).map((t) => {
      try {
        return execFileSync('/bin/sh', ['-c', str(t)], { cwd: ctx.searchPath[0], encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).replace(/\n$/, '');
      } catch (e) {
        throw new TemplateError(`lookup_plugin.pipe(${str(t)}) returned ${(e as { status?: number }).status ?? 'an error'}`);
      }
    }),
  password,
  template: (terms, _kw, ctx) =>
    flat(terms).map((t) => {
      const f = findFile(ctx, str(t), 'templates');
      if (!f) throw new TemplateError(`the template file ${str(t)} could not be found for the lookup`);
      return ctx.renderFile(f);
    }),
  lines: (terms, _kw, ctx) => flat(terms).flatMap((t) => lookups.pipe!([t], {}, ctx).flatMap((out) => str(out).split('\n'))),
  vars: (terms, kw, ctx) =>
    flat(terms).map((t) => {
      const v = ctx.variable(str(t));
      if (v === undefined) {
        if (kw.default !== undefined) return kw.default;
        throw new TemplateError(`No variable found with this name: ${str(t)}`);
      }
      return v;
    }),
  items: (terms) => flat(terms),
  list: (terms) => terms,
  indexed_items: (terms) => flat(terms).map((t, i) => PyTuple.of2([i, t])),
  dict: (terms) =>
    terms.flatMap((t) => {
      if (!isDict(t)) throw new TemplateError(`with_dict expects a dict, got ${str(t)}`);
      return Object.entries(t as Dict).map(([key, value]) => ({ key, value }));
    }),
  together: (terms) => {
    const lists = terms.map((t) => (Array.isArray(t) ? t : [t]));
    const n = Math.max(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_x, i) => lists.map((l) => (i < l.length ? l[i] : null)));
  },
  nested: (terms) => terms.map((t) => (Array.isArray(t) ? t : [t])).reduce<unknown[][]>((acc, l) => acc.flatMap((p) => l.map((x) => [...p, x])), [[]]),
  sequence: (terms, kw) =>
    flat(terms).flatMap((t) => {
      const spec: Record<string, string> = {};
      const text = str(t).trim();
      const short = /^(?:(\d+)-)?(\d+)(?:\/(\d+))?(?::(.+))?$/.exec(text);
      if (short) Object.assign(spec, { start: short[1] ?? '1', end: short[2], stride: short[3] ?? '1', format: short[4] ?? '%d' });
      else for (const p of text.split(/\s+/)) {
        const [k, v] = p.split('=');
        if (k && v !== undefined) spec[k] = v;
      }
      for (const [k, v] of Object.entries(kw)) spec[k] = str(v);
      const start = Number(spec.start ?? 1);
      const stride = Number(spec.stride ?? 1);
      const end = spec.count !== undefined ? start + (Number(spec.count) - 1) * stride : Number(spec.end);
      const out: string[] = [];
      for (let i = start; stride > 0 ? i <= end : i >= end; i += stride) out.push((spec.format ?? '%d').replace(/%(0?\d*)d/, (_m, w: string) => String(i).padStart(Number(w || 0), w.startsWith('0') ? '0' : ' ')));
      return out;
    }),
  first_found: (terms, kw, ctx) => {
    const files = flat(terms).flatMap((t) => (isDict(t) ? ((t as Dict).files as unknown[]) ?? [] : [t])).map(str);
    for (const f of files) {
      const found = findFile(ctx, f, 'files');
      if (found) return [found];
    }
    if (truthy(kw.skip ?? false)) return [];
    throw new TemplateError(`No file was found when using first_found: ${files.join(', ')}`);
  },
};
