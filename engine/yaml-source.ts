// YAML files with positions: every mapping and sequence loaded through here remembers where
// it and each of its keys and items stand, so that any later problem can point at
// `file:line:col` with the offending line and a caret.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import { type SourceProblem, ValidationError } from './errors.js';
import { isVaultText } from './vault/cipher.js';
import { VaultError, vaultKeyring } from './vault/keyring.js';

export interface Loc {
  file: string;
  line: number;
  col: number;
}

interface NodeLocs {
  at: Loc;
  keys: Map<string | number, Loc>;
  values: Map<string | number, Loc>;
}

const locs = new WeakMap<object, NodeLocs>();
const texts = new Map<string, string[]>();

/** A path as shown in messages: relative to the working directory when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** Where an object (mapping or list) loaded from YAML, or one of its keys or values, stands. */
export function locOf(obj: unknown, key?: string | number, part: 'key' | 'value' = 'key'): Loc | undefined {
  if (obj === null || typeof obj !== 'object') return undefined;
  const l = locs.get(obj);
  if (!l) return undefined;
  if (key === undefined) return l.at;
  return (part === 'key' ? l.keys.get(key) : l.values.get(key) ?? l.keys.get(key)) ?? l.at;
}

/** Copies the recorded position of one object to another (for objects built from YAML ones). */
export function copyLoc(from: object, to: object): void {
  const l = locs.get(from);
  if (l) locs.set(to, l);
}

export function problemAt(loc: Loc | undefined, message: string, hint?: string): SourceProblem {
  if (!loc) return { file: '<unknown>', line: 0, col: 0, message, hint };
  const line = texts.get(loc.file)?.[loc.line - 1];
  return { file: loc.file, line: loc.line, col: loc.col, message, hint, sourceLine: line?.replace(/\r$/, '') };
}

export interface LoadedYaml {
  /** One value per YAML document in the file. */
  documents: unknown[];
  problems: SourceProblem[];
}

/** `!vault |` scalars stay strings here; convert() opens them with the run's keyring. */
const VAULT_TAG = { tag: '!vault', resolve: (s: string) => s };

/**
 * Parses YAML text (YAML 1.1 like Ansible: yes/no are booleans), recording positions. A
 * `secret` text (a decrypted vault file) keeps no source lines, so no message can quote it.
 */
export function parseYaml(text: string, file: string, o: { secret?: boolean } = {}): LoadedYaml {
  const shown = displayPath(file);
  if (o.secret) texts.delete(shown);
  else texts.set(shown, text.split('\n'));
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, version: '1.1', merge: true, prettyErrors: false, customTags: [VAULT_TAG], uniqueKeys: (a, b) => keyText(a, text) === keyText(b, text) });
  const problems: SourceProblem[] = [];
  const documents: unknown[] = [];
  const pos = (offset: number): Loc => {
    const p = lc.linePos(offset);
    return { file: shown, line: p.line, col: p.col };
  };
  for (const doc of Array.isArray(docs) ? docs : []) {
    for (const e of doc.errors) {
      const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      problems.push(problemAt(pos(e.pos[0]), `YAML syntax error: ${message}`));
    }
    if (doc.errors.length) continue;
    const bomb = aliasProblem(doc.contents, doc);
    if (bomb) {
      problems.push(problemAt(pos(bomb.at), bomb.message));
      continue;
    }
    const anchors = new Map<Node, unknown>();
    const convert = (node: unknown): unknown => {
      if (isAlias(node)) {
        const target = node.resolve(doc);
        if (!target) {
          problems.push(problemAt(pos(node.range?.[0] ?? 0), `YAML: unknown alias *${node.source}`));
          return null;
        }
        return anchors.get(target as Node) ?? convert(target);
      }
      if (isScalar(node) && node.tag === '!vault') return openInline(String(node.value), pos(node.range?.[0] ?? 0), problems);
      if (isScalar(node)) {
        // Ansible's YAML 1.1 (PyYAML) reads y/n as letters, not booleans.
        const src = typeof node.value === 'boolean' && node.range ? text.slice(node.range[0], node.range[1]) : '';
        return /^[yYnN]$/.test(src) ? src : node.value;
      }
      if (isMap(node)) {
        const obj: Record<string, unknown> = {};
        const l: NodeLocs = { at: pos(node.range?.[0] ?? 0), keys: new Map(), values: new Map() };
        locs.set(obj, l);
        anchors.set(node, obj);
        for (const pair of node.items) {
          if (!isPair(pair)) continue;
          const keyNode = pair.key as Node | null;
          // Keys keep their source text: `y:` or `on:` is a name, not a YAML 1.1 boolean.
          const key = isScalar(keyNode)
            ? typeof keyNode.value === 'boolean' && keyNode.range
              ? text.slice(keyNode.range[0], keyNode.range[1])
              : String(keyNode.value)
            : String(convert(keyNode));
          if (key === '<<' || (isScalar(keyNode) && typeof keyNode.value === 'symbol')) {
            const merged = convert(pair.value);
            for (const m of Array.isArray(merged) ? merged : [merged]) {
              if (m && typeof m === 'object') for (const [k, v] of Object.entries(m)) if (!(k in obj)) obj[k] = v;
            }
            continue;
          }
          obj[key] = convert(pair.value);
          if (keyNode?.range) l.keys.set(key, pos(keyNode.range[0]));
          const vn = pair.value as Node | null;
          if (vn?.range) l.values.set(key, pos(vn.range[0]));
        }
        return obj;
      }
      if (isSeq(node)) {
        const arr: unknown[] = [];
        const l: NodeLocs = { at: pos(node.range?.[0] ?? 0), keys: new Map(), values: new Map() };
        locs.set(arr, l);
        anchors.set(node, arr);
        node.items.forEach((item, i) => {
          arr.push(convert(item));
          const r = (item as Node | null)?.range;
          if (r) {
            l.keys.set(i, pos(r[0]));
            l.values.set(i, pos(r[0]));
          }
        });
        return arr;
      }
      return node ?? null;
    };
    const value = convert(doc.contents);
    if (o.secret) revealSecrets(value);
    documents.push(value);
  }
  return { documents, problems };
}

/** An inline `!vault` value: its plaintext (a string, as in Ansible), or a problem. */
function openInline(vaultText: string, at: Loc, problems: SourceProblem[]): string | null {
  const keyring = vaultKeyring();
  try {
    const plain = keyring.open(vaultText, "this !vault value").toString('utf8');
    keyring.reveal(plain);
    keyring.inline.set(plain, vaultText);
    return plain;
  } catch (e) {
    if (!(e instanceof VaultError)) throw e;
    problems.push(problemAt(at, e.message));
    return null;
  }
}

/** Every string in a decrypted file is a secret. */
export function revealSecrets(v: unknown): void {
  if (typeof v === 'string') vaultKeyring().reveal(v);
  else if (Array.isArray(v)) v.forEach(revealSecrets);
  else if (v && typeof v === 'object') Object.values(v).forEach(revealSecrets);
}

/** The most values that aliases may add to a document (as an ordinary YAML file, they add a few). */
export const MAX_ALIAS_EXPANSION = 1_000_000;

/**
 * Refuses what aliases would make of a document before it is built: an alias "bomb" (anchors of
 * lists of aliases of lists… that expand to billions of values, read in milliseconds and never
 * printed or templated in finite memory) and an alias inside the node it names (a cycle).
 * Each node's expanded size is counted once, so this costs one walk of the document.
 */
function aliasProblem(root: unknown, doc: Document.Parsed): { at: number; message: string } | undefined {
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  let added = 0;
  let found: { at: number; message: string } | undefined;
  const size = (node: unknown): number => {
    if (found) return 0;
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) return 1; // reported as an unknown alias when the document is built
      if (open.has(target)) {
        found = { at: node.range?.[0] ?? 0, message: `YAML: alias *${node.source} is inside the node it names (a cycle)` };
        return 0;
      }
      const n = size(target);
      added += n;
      if (added > MAX_ALIAS_EXPANSION && !found) {
        found = { at: node.range?.[0] ?? 0, message: `YAML: aliases expand this document to more than ${MAX_ALIAS_EXPANSION} values (an alias bomb?); refused` };
      }
      return n;
    }
    if (!isMap(node) && !isSeq(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    open.add(node);
    let n = 1;
    for (const item of node.items as unknown[]) n += isPair(item) ? size(item.key) + size(item.value) : size(item);
    open.delete(node);
    sizes.set(node, n);
    return n;
  };
  size(root);
  return found;
}

function keyText(node: unknown, text: string): unknown {
  if (isScalar(node)) return node.range ? text.slice(node.range[0], node.range[1]).replace(/^["']|["']$/g, '') : node.value;
  return node;
}

/** Reads and parses one YAML file; unreadable files become problems, not exceptions. */
export function loadYamlFile(file: string): LoadedYaml {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { documents: [], problems: [unreadable(file, e)] };
  }
  return parseYamlOrVault(text, file);
}

function unreadable(file: string, e: unknown): SourceProblem {
  const code = (e as NodeJS.ErrnoException).code;
  return { file: displayPath(file), line: 1, col: 1, message: code === 'ENOENT' ? 'file not found' : `cannot read: ${(e as Error).message}` };
}

/** A file's text for another format (INI), opened first when it is encrypted with ansible-vault. */
export function readSourceFile(file: string): { text?: string; secret?: boolean; problems: SourceProblem[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { problems: [unreadable(file, e)] };
  }
  if (!isVaultText(text)) return { text, problems: [] };
  try {
    return { text: vaultKeyring().open(text, displayPath(file)).toString('utf8'), secret: true, problems: [] };
  } catch (e) {
    if (!(e instanceof VaultError)) throw e;
    return { problems: [{ file: displayPath(file), line: 1, col: 1, message: e.message }] };
  }
}

/** parseYaml, or first decryption when the text is a whole file encrypted with ansible-vault. */
export function parseYamlOrVault(text: string, file: string): LoadedYaml {
  if (!isVaultText(text)) return parseYaml(text, file);
  // A whole file encrypted with ansible-vault (vars files, group_vars, inventories).
  try {
    return parseYaml(vaultKeyring().open(text, displayPath(file)).toString('utf8'), file, { secret: true });
  } catch (e) {
    if (!(e instanceof VaultError)) throw e;
    return { documents: [], problems: [{ file: displayPath(file), line: 1, col: 1, message: e.message }] };
  }
}

/** Loads a YAML file that must hold one document; throws ValidationError on problems. */
export function loadYamlStrict(file: string): unknown {
  const { documents, problems } = loadYamlFile(file);
  if (problems.length) throw new ValidationError(problems);
  return documents[0] ?? null;
}
