// PyYAML's yaml.dump as Ansible's to_yaml and to_nice_yaml call it: keys sorted, collections of
// scalars in flow style when default_flow_style is None, PyYAML's quoting of strings that would
// read back as something else, and its unindented block sequences under mappings.
import { PyFloat, isDict, setOwn, use } from '../values.js';

export interface DumpOptions {
  indent: number;
  /** null: flow style for collections of scalars only (PyYAML's default_flow_style=None). */
  flow: boolean | null;
  sortKeys: boolean;
}

const RESERVED = /^(?:~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|=|<<)$/;
const NUMBER = /^(?:[-+]?(?:0|[1-9][0-9_]*)|[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+|\d{4}-\d\d?-\d\d?.*)$/;

function isScalar(v: unknown): boolean {
  return !(Array.isArray(v) && v.length) && !(isDict(v) && Object.keys(v).length);
}

export function scalar(v: unknown, inFlow: boolean): string {
  v = use(v);
  if (v === null || v === undefined) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (v instanceof PyFloat) return `${v.value}.0`;
  if (typeof v === 'number') return Number.isNaN(v) ? '.nan' : !Number.isFinite(v) ? (v > 0 ? '.inf' : '-.inf') : String(v);
  if (Array.isArray(v)) return '[]';
  if (isDict(v)) return '{}';
  const s = String(v);
  if (s === '') return "''";
  if (/[\x00-\x08\x0b-\x1f\x7f\u0085\u2028\u2029\n\r\t]/.test(s) && /[^\n]/.test(s)) {
    if (!/[\x00-\x08\x0b-\x1f\x7f\r\t]/.test(s) && !/^\s|\s$/.test(s) && s.includes('\n')) return `'${s.replace(/'/g, "''").replace(/\n/g, '\n\n')}'`;
    return JSON.stringify(s);
  }
  const needsQuote =
    RESERVED.test(s) ||
    NUMBER.test(s) ||
    /^[-?:,\[\]{}#&*!|>'"%@`]/.test(s) ||
    /^[-?:](\s|$)/.test(s) ||
    /:(\s|$)/.test(s) ||
    /\s#/.test(s) ||
    /^\s|\s$/.test(s) ||
    (inFlow && /[,\[\]{}]/.test(s)) ||
    s === '-' ||
    /^(---|\.\.\.)/.test(s);
  return needsQuote ? `'${s.replace(/'/g, "''")}'` : s;
}

function flowOf(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flowOf).join(', ')}]`;
  if (isDict(v)) return `{${Object.keys(v).map((k) => `${scalar(k, true)}: ${flowOf(v[k])}`).join(', ')}}`;
  return scalar(v, true);
}

export function yamlDump(value: unknown, o: DumpOptions): string {
  const sortDeep = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sortDeep);
    if (isDict(x)) {
      const keys = o.sortKeys ? Object.keys(x).sort() : Object.keys(x);
      const out: Record<string, unknown> = {};
      for (const k of keys) setOwn(out, k, sortDeep(x[k]));
      return out;
    }
    return x;
  };
  const v = sortDeep(value);
  // PyYAML's default_flow_style=None: a collection is written in flow style when every child is a scalar node (empty collections are not).
  const scalarNode = (x: unknown) => !Array.isArray(x) && !isDict(x);
  const useFlow = (x: unknown) => o.flow === true || (o.flow === null && (Array.isArray(x) ? x.every(scalarNode) : isDict(x) && Object.values(x).every(scalarNode)));
  const lines: string[] = [];
  const pad = (n: number) => ' '.repeat(n);
  const emit = (x: unknown, col: number, prefix: string): void => {
    // prefix: text already on the current line (a key or a '- ').
    if (isScalar(x) || useFlow(x)) {
      lines.push(prefix + (isScalar(x) ? scalar(x, false) : flowOf(x)));
      return;
    }
    if (Array.isArray(x)) {
      let first = prefix !== '' && prefix.trimEnd().endsWith('-') ? prefix : undefined;
      if (first === undefined && prefix) lines.push(prefix.trimEnd());
      for (const item of x) {
        // PyYAML: "- " before a scalar or flow item, "-" padded to the indent before a block collection.
        const block = !(isScalar(item) || useFlow(item));
        const dash = `${first ?? pad(col)}-${block ? pad(o.indent - 1) : ' '}`;
        first = undefined;
        emitItem(item, col + o.indent, dash);
      }
      return;
    }
    const d = x as Record<string, unknown>;
    let first = prefix !== '' && prefix.trimEnd().endsWith('-') ? prefix : undefined;
    if (first === undefined && prefix) lines.push(prefix.trimEnd());
    for (const k of Object.keys(d)) {
      const head = `${first ?? pad(col)}${scalar(k, false)}:`;
      first = undefined;
      const val = d[k];
      if (isScalar(val) || useFlow(val)) lines.push(`${head} ${isScalar(val) ? scalar(val, false) : flowOf(val)}`);
      else if (Array.isArray(val)) {
        lines.push(head);
        emit(val, col, '');
      } else {
        lines.push(head);
        emit(val, col + o.indent, '');
      }
    }
  };
  const emitItem = (item: unknown, col: number, dash: string) => {
    if (isScalar(item) || useFlow(item)) lines.push(dash + (isScalar(item) ? scalar(item, false) : flowOf(item)));
    else emit(item, col, dash);
  };
  if (isScalar(v) || useFlow(v)) {
    const text = isScalar(v) ? scalar(v, false) : flowOf(v);
    return isScalar(v) && !Array.isArray(v) && !isDict(v) ? `${text}\n...\n` : `${text}\n`;
  }
  emit(v, 0, '');
  return `${lines.join('\n')}\n`;
}
