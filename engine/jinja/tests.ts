// Tests (`x is defined`, `x is version('13', '>=')`): Jinja2's built-ins and Ansible's
// (ansible/plugins/test/core.py, files.py, mathstuff.py).
import { existsSync, lstatSync, statSync, type Stats } from 'node:fs';
import { isAbsolute } from 'node:path';
import { compilePyRegex, toBinary } from '../python-regex.js';
import type { TestFn } from './evaluate.js';
import { param } from './filters/args.js';
import { LazyMapping } from './lazy.js';
import { Callable, PyFloat, TemplateError, Undefined, compare, contains, equal, isDict, isFloat, isNumber, num, str, truthy } from './values.js';

function regexTest(mode: 'match' | 'search' | 'fullmatch'): TestFn {
  return (v, a, kw) => {
    let flags = '';
    if (truthy(param(a, kw, 1, 'ignorecase', false))) flags += 'i';
    if (truthy(param(a, kw, 2, 'multiline', false))) flags += 'm';
    const pattern = (flags ? `(?${flags})` : '') + str(a[0]);
    const { re } = compilePyRegex(toBinary(pattern));
    const text = toBinary(str(v));
    if (mode === 'search') return re.test(text);
    const m = new RegExp(re.source, `${re.flags}y`).exec(text);
    return m !== null && (mode === 'match' || m[0].length === text.length);
  };
}

/** distutils' LooseVersion, as Ansible's version test uses by default. */
function looseParts(v: string): (number | string)[] {
  return v.split(/(\d+|[a-z]+|\.)/i).filter((p) => p && p !== '.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** PEP 440-ish strict versions: N(.N)*; anything else is refused as Ansible's StrictVersion does. */
function strictParts(v: string): number[] {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:([ab])(\d+))?$/.exec(v);
  if (!m) throw new TemplateError(`Version comparison failed: invalid version number '${v}'`);
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

function compareParts(a: (number | string)[], b: (number | string)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x !== typeof y) throw new TemplateError(`Version comparison failed: '<' not supported between instances of '${typeof x === 'number' ? 'int' : 'str'}' and '${typeof y === 'number' ? 'int' : 'str'}'`);
    return x < y ? -1 : 1;
  }
  return 0;
}

const OPS: Record<string, (c: number) => boolean> = {
  '==': (c) => c === 0, '=': (c) => c === 0, eq: (c) => c === 0,
  '!=': (c) => c !== 0, '<>': (c) => c !== 0, ne: (c) => c !== 0,
  '<': (c) => c < 0, lt: (c) => c < 0, '<=': (c) => c <= 0, le: (c) => c <= 0,
  '>': (c) => c > 0, gt: (c) => c > 0, '>=': (c) => c >= 0, ge: (c) => c >= 0,
};

const version: TestFn = (v, a, kw) => {
  const op = str(param(a, kw, 1, 'operator', 'eq'));
  const strict = truthy(param(a, kw, 2, 'strict', false));
  const type = str(param(a, kw, 3, 'version_type', strict ? 'strict' : 'loose'));
  if (!(op in OPS)) throw new TemplateError(`Invalid operator type (${op})`);
  const want = str(param(a, kw, 0, 'version'));
  if (!want) throw new TemplateError('Version parameter to compare against cannot be empty');
  const parts = type === 'strict' ? strictParts : looseParts;
  return OPS[op]!(compareParts(parts(str(v)), parts(want)));
};

const isResult = (v: unknown): v is Record<string, unknown> => isDict(v);
const taskFailed: TestFn = (v) => {
  if (!isResult(v)) throw new TemplateError('The failed test expects a dictionary');
  return truthy(v.failed ?? false);
};
const taskChanged: TestFn = (v) => {
  if (!isResult(v)) throw new TemplateError('The changed test expects a dictionary');
  if (Array.isArray(v.results) && !('changed' in v)) return v.results.some((r) => isDict(r) && truthy(r.changed ?? false));
  return truthy(v.changed ?? false);
};
const taskSkipped: TestFn = (v) => {
  if (!isResult(v)) throw new TemplateError('The skipped test expects a dictionary');
  return truthy(v.skipped ?? false);
};

/** ansible.module_utils.parsing.convert_bool.boolean, for the values it knows; others unchanged. */
function ansibleBoolean(v: unknown): unknown {
  const key = typeof v === 'string' ? v.toLowerCase() : v;
  if (['y', 'yes', 'on', '1', 'true', 't', 1, true].includes(key as never)) return true;
  if (['n', 'no', 'off', '0', 'false', 'f', 0, false].includes(key as never)) return false;
  return v;
}

const cmp = (pred: (c: number) => boolean): TestFn => (v, a) => pred(compare(v, a[0]));
const pathTest = (pred: (p: string) => boolean): TestFn => (v) => pred(str(v));
const statOk = (p: string, check: (s: Stats) => boolean) => existsSync(p) && check(statSync(p));

export const tests: Record<string, TestFn> = {
  defined: (v) => !(v instanceof Undefined),
  undefined: (v) => v instanceof Undefined,
  none: (v) => v === null || v === undefined,
  boolean: (v) => typeof v === 'boolean',
  true: (v) => v === true,
  false: (v) => v === false,
  integer: (v) => typeof v === 'number' && !isFloat(v),
  float: (v) => isFloat(v),
  number: (v) => isNumber(v),
  string: (v) => typeof v === 'string',
  mapping: (v) => isDict(v) || v instanceof LazyMapping,
  sequence: (v) => typeof v === 'string' || Array.isArray(v) || isDict(v) || v instanceof LazyMapping,
  iterable: (v) => typeof v === 'string' || Array.isArray(v) || isDict(v) || v instanceof LazyMapping,
  callable: (v) => v instanceof Callable,
  lower: (v) => str(v) === str(v).toLowerCase(),
  upper: (v) => str(v) === str(v).toUpperCase(),
  even: (v) => num(v as number) % 2 === 0,
  odd: (v) => Math.abs(num(v as number) % 2) === 1,
  divisibleby: (v, a) => num(v as number) % num(a[0] as number) === 0,
  eq: (v, a) => equal(v, a[0]),
  ne: (v, a) => !equal(v, a[0]),
  lt: cmp((c) => c < 0),
  le: cmp((c) => c <= 0),
  gt: cmp((c) => c > 0),
  ge: cmp((c) => c >= 0),
  in: (v, a) => contains(a[0], v),
  sameas: (v, a) => v === a[0] || (v === null && a[0] === null),
  escaped: () => false,
  match: regexTest('match'),
  search: regexTest('search'),
  regex: (v, a, kw) => regexTest(str(param(a, kw, 3, 'match_type', 'search')) as 'match' | 'search' | 'fullmatch')(v, a, kw, undefined as never),
  version,
  version_compare: version,
  subset: (v, a) => (v as unknown[]).every((x) => contains(a[0], x)),
  superset: (v, a) => (a[0] as unknown[]).every((x) => contains(v, x)),
  contains: (v, a) => contains(v, a[0]),
  any: (v) => (v as unknown[]).some(truthy),
  all: (v) => (v as unknown[]).every(truthy),
  truthy: (v, a, kw) => truthy(truthy(param(a, kw, 0, 'convert_bool', false)) ? ansibleBoolean(v) : v),
  falsy: (v, a, kw) => !tests.truthy!(v, a, kw, undefined as never),
  nan: (v) => (v instanceof PyFloat ? false : typeof v === 'number' && Number.isNaN(v)),
  abs: pathTest(isAbsolute),
  exists: pathTest((p) => existsSync(p)),
  file: pathTest((p) => statOk(p, (s) => s.isFile())),
  directory: pathTest((p) => statOk(p, (s) => s.isDirectory())),
  link: pathTest((p) => {
    try {
      return lstatSync(p).isSymbolicLink();
    } catch {
      return false;
    }
  }),
  failed: taskFailed,
  failure: taskFailed,
  succeeded: (v, a, kw, e) => !taskFailed(v, a, kw, e),
  success: (v, a, kw, e) => !taskFailed(v, a, kw, e),
  successful: (v, a, kw, e) => !taskFailed(v, a, kw, e),
  changed: taskChanged,
  change: taskChanged,
  skipped: taskSkipped,
  skip: taskSkipped,
  finished: (v) => isResult(v) && (!('finished' in v) || truthy(v.finished)),
  started: (v) => isResult(v) && (!('started' in v) || truthy(v.started)),
  unreachable: (v) => isResult(v) && truthy(v.unreachable ?? false),
  reachable: (v) => !(isResult(v) && truthy(v.unreachable ?? false)),
  vault_encrypted: (v) => typeof v === 'string' && v.startsWith('$ANSIBLE_VAULT;'),
};
for (const [alias, name] of [['==', 'eq'], ['equalto', 'eq'], ['!=', 'ne'], ['<', 'lt'], ['lessthan', 'lt'], ['<=', 'le'], ['>', 'gt'], ['greaterthan', 'gt'], ['>=', 'ge']] as const) {
  tests[alias] = tests[name]!;
}
