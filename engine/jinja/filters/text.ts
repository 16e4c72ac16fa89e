// Ansible's text filters: Python regular expressions (through modules/lib/python-regex.ts, so
// patterns mean what they mean in Ansible), base64, hashes, JSON and YAML.
import { createHash } from 'node:crypto';
import { compilePyRegex, expandTemplate, fromBinary, toBinary, type PyRegex } from '../../python-regex.js';
import type { FilterFn } from '../evaluate.js';
import { PyTuple, TemplateError, str, toPlain, truthy } from '../values.js';
import { param } from './args.js';
import { pyJson } from './core.js';
import { passwordHash } from './password-hash.js';
import { parseYaml } from '../../yaml-source.js';
import { yamlDump } from './yaml-dump.js';

/** YAML read as Ansible reads it (YAML 1.1, y/n as letters). */
function yamlDocuments(text: string): unknown[] {
  const { documents, problems } = parseYaml(text, '<from_yaml>');
  if (problems.length) throw new TemplateError(`from_yaml: ${problems[0]!.message}`);
  return documents;
}

function regex(pattern: unknown, kw: Record<string, unknown>, ignorecase?: unknown, multiline?: unknown): { rx: PyRegex; global: RegExp } {
  let flags = '';
  if (truthy(ignorecase ?? kw.ignorecase ?? false)) flags += 'i';
  if (truthy(multiline ?? kw.multiline ?? false)) flags += 'm';
  const p = (flags ? `(?${flags})` : '') + str(pattern);
  let rx: PyRegex;
  try {
    rx = compilePyRegex(toBinary(p));
  } catch (e) {
    throw new TemplateError(`invalid regular expression ${JSON.stringify(str(pattern))}: ${(e as Error).message}`);
  }
  return { rx, global: new RegExp(rx.re.source, `${rx.re.flags}g`) };
}

function sub(value: string, pattern: unknown, replacement: string, kw: Record<string, unknown>, ignorecase: unknown, multiline: unknown, count: number): { text: string; n: number } {
  const { rx, global } = regex(pattern, kw, ignorecase, multiline);
  const bin = toBinary(value);
  const repl = toBinary(replacement);
  let out = '';
  let last = 0;
  let n = 0;
  let m: RegExpExecArray | null;
  global.lastIndex = 0;
  while ((m = global.exec(bin)) && (count <= 0 || n < count)) {
    out += bin.slice(last, m.index) + expandTemplate(repl, rx, m);
    last = m.index + m[0].length;
    n++;
    if (m[0] === '') {
      if (m.index < bin.length) out += bin[m.index];
      last = m.index + 1;
      global.lastIndex = m.index + 1;
    }
  }
  out += bin.slice(last);
  return { text: fromBinary(out), n };
}

const HASHES = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);
const hash = (algo: string, v: unknown) => {
  if (!HASHES.has(algo)) throw new TemplateError(`unsupported hash type '${algo}'`);
  return createHash(algo).update(str(v), 'utf8').digest('hex');
};

export const textFilters: Record<string, FilterFn> = {
  regex_replace: (v, a, kw) => {
    const count = Number(param(a, kw, 4, 'count', 0));
    const mandatory = Number(param(a, kw, 5, 'mandatory_count', 0));
    const r = sub(str(v), param(a, kw, 0, 'regex', ''), str(param(a, kw, 1, 'replace', '')), kw, param(a, kw, 2, 'ignorecase'), param(a, kw, 3, 'multiline'), count);
    if (mandatory && r.n !== mandatory) throw new TemplateError(`'${str(a[0])}' should match ${mandatory} times, but matches ${r.n} times in '${str(v)}'`);
    return r.text;
  },
  regex_search: (v, a, kw) => {
    const { rx } = regex(a[0], kw);
    const m = rx.re.exec(toBinary(str(v)));
    if (!m) return null;
    const groups = a.slice(1);
    if (!groups.length) return fromBinary(m[0]);
    return groups.map((g) => {
      const s = str(g);
      const num = /^\\(\d+)$/.exec(s);
      const name = /^\\g<(\w+)>$/.exec(s);
      const idx = num ? Number(num[1]) : name ? rx.groupIndex.get(name[1]!) : undefined;
      if (idx === undefined) throw new TemplateError(`Unknown argument ${s}`);
      return m[idx] === undefined ? null : fromBinary(m[idx]);
    });
  },
  regex_findall: (v, a, kw) => {
    const { rx, global } = regex(a[0], kw, param(a, kw, 1, 'multiline'), param(a, kw, 2, 'ignorecase'));
    const out: unknown[] = [];
    const bin = toBinary(str(v));
    for (const m of bin.matchAll(global)) {
      if (rx.groups === 0) out.push(fromBinary(m[0]));
      else if (rx.groups === 1) out.push(fromBinary(m[1] ?? ''));
      else out.push(PyTuple.of2(m.slice(1).map((g) => fromBinary(g ?? ''))));
    }
    return out;
  },
  regex_escape: (v) => str(v).replace(/[^A-Za-z0-9_]/g, (c) => `\\${c}`),
  b64encode: (v) => Buffer.from(str(v), 'utf8').toString('base64'),
  b64decode: (v) => Buffer.from(str(v), 'base64').toString('utf8'),
  hash: (v, a) => hash(str(a[0] ?? 'sha1'), v),
  checksum: (v) => hash('sha1', v),
  md5: (v) => hash('md5', v),
  sha1: (v) => hash('sha1', v),
  password_hash: (v, a, kw) => passwordHash(str(v), str(param(a, kw, 0, 'hashtype', 'sha512')), param(a, kw, 1, 'salt'), param(a, kw, 2, 'rounds')),
  to_json: (v, _a, kw) =>
    pyJson(toPlain(v), {
      indent: kw.indent === undefined || kw.indent === null ? undefined : Number(kw.indent),
      sortKeys: truthy(kw.sort_keys ?? false),
      ensureAscii: truthy(kw.ensure_ascii ?? true),
      separators: Array.isArray(kw.separators) ? [str(kw.separators[0]), str(kw.separators[1])] : undefined,
    }),
  to_nice_json: (v, _a, kw) => pyJson(toPlain(v), { indent: Number(kw.indent ?? 4), sortKeys: truthy(kw.sort_keys ?? true), ensureAscii: truthy(kw.ensure_ascii ?? true), separators: [',', ': '] }),
  from_json: (v) => {
    try {
      return JSON.parse(str(v));
    } catch (e) {
      throw new TemplateError(`from_json: ${(e as Error).message}`);
    }
  },
  to_yaml: (v, _a, kw) => yamlDump(toPlain(v), { indent: Number(kw.indent ?? 2), flow: kw.default_flow_style === undefined ? null : (kw.default_flow_style as boolean | null), sortKeys: truthy(kw.sort_keys ?? true) }),
  to_nice_yaml: (v, _a, kw) => yamlDump(toPlain(v), { indent: Number(kw.indent ?? 4), flow: false, sortKeys: truthy(kw.sort_keys ?? true) }),
  from_yaml: (v) => (typeof v === 'string' ? (yamlDocuments(v)[0] ?? null) : v),
  from_yaml_all: (v) => yamlDocuments(str(v)),
};
