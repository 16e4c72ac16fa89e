// ansible.cfg and the ANSIBLE_* variables, for the settings asked for (cli/flags.ts declares
// tsplay's, most of them with the flag they fill). As in Ansible, the
// first file found is the only one read: $ANSIBLE_CONFIG, ./ansible.cfg (unless the working
// directory is world-writable), ~/.ansible.cfg, /etc/ansible/ansible.cfg. An environment
// variable beats the file, and the command line beats both. Relative paths in the file are
// relative to the file's directory; `~` is the home directory.
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';

/** The kinds of setting and the value each converts to (convert() below). */
interface KindValues {
  pathlist: string[];
  pathspec: string[];
  int: number;
  seconds: number;
  string: string;
  path: string;
  bool: boolean;
  list: string[];
}
export type Kind = keyof KindValues;
export type KindValue<K extends Kind> = KindValues[K];

/** One setting: its section and key in ansible.cfg, its environment variable, its type. */
export interface Setting<K extends Kind = Kind> {
  section: string;
  key: string;
  env: string;
  kind: K;
}

export const setting = <K extends Kind>(section: string, key: string, env: string, kind: K): Setting<K> => ({ section, key, env, kind });

/** The settings found, by the names they were asked for under (each of its setting's kind), and the file read, if any. */
export type AnsibleConfig = { file?: string } & Record<string, unknown>;

const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** The config file Ansible would read, or undefined. */
export function findConfigFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined {
  const fromEnv = env.ANSIBLE_CONFIG;
  if (fromEnv) {
    const p = resolve(cwd, expandHome(fromEnv));
    const file = isFile(p) ? p : join(p, 'ansible.cfg');
    if (isFile(file)) return file;
  }
  try {
    // Ansible ignores ./ansible.cfg in a world-writable directory: anyone could plant one.
    if (!(statSync(cwd).mode & 0o002) && isFile(join(cwd, 'ansible.cfg'))) return join(cwd, 'ansible.cfg');
  } catch {
    // no working directory
  }
  for (const p of [join(env.HOME ?? homedir(), '.ansible.cfg'), '/etc/ansible/ansible.cfg']) if (isFile(p)) return p;
  return undefined;
}

const expandHome = (p: string): string => (p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p);

/** Python's configparser, as Ansible sets it up: `key = value` or `key: value`, `#`/`;` comments, `;` inline comments, indented continuation lines. */
export function parseIniConfig(text: string, file: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let section: Map<string, string> | undefined;
  let lastKey: string | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim() || /^\s*[#;]/.test(raw)) return;
    const line = raw.replace(/\s;.*$/, '');
    if (/^\s/.test(line) && section && lastKey !== undefined) {
      section.set(lastKey, `${section.get(lastKey)}\n${line.trim()}`);
      return;
    }
    const sm = /^\[([^\]]+)\]\s*$/.exec(line);
    if (sm) {
      section = sections.get(sm[1]!) ?? new Map();
      sections.set(sm[1]!, section);
      lastKey = undefined;
      return;
    }
    const km = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (!km || !section) throw new InputError(`${file}:${i + 1}: ${section ? 'expected key = value' : 'a setting before any [section]'}: ${raw.trim()}`);
    lastKey = km[1]!.toLowerCase();
    section.set(lastKey, km[2]!.trim());
  });
  return sections;
}

/** Ansible's boolean(): yes/on/1/true/t/y are true, anything else false. */
const bool = (v: string): boolean => ['y', 'yes', 'on', '1', 'true', 't'].includes(v.trim().toLowerCase());

function convert(v: string, kind: Kind, base: string, where: string): KindValue<Kind> {
  const path = (p: string) => resolve(base, expandHome(p.trim()));
  const list = (sep: RegExp) => v.split(sep).map((s) => s.trim()).filter(Boolean);
  switch (kind) {
    case 'bool':
      return bool(v);
    case 'int': {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InputError(`${where}: expected a positive integer, got '${v}'`);
      return n;
    }
    case 'seconds': {
      const n = Number(v.trim());
      if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new InputError(`${where}: expected a whole number of seconds, got '${v}'`);
      return n;
    }
    case 'path':
      return path(v);
    case 'pathlist':
      return list(/,/).map(path);
    case 'pathspec':
      return list(/:/).map(path);
    case 'list':
      return list(/,/);
    case 'string':
      return v.trim();
  }
}

/** The settings from the environment and the first config file, in Ansible's precedence. */
export function loadAnsibleConfig(settings: Readonly<Record<string, Setting>>, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AnsibleConfig {
  const file = findConfigFile(env, cwd);
  const sections = file ? parseIniConfig(readFileSync(file, 'utf8'), file) : new Map<string, Map<string, string>>();
  const out: AnsibleConfig = { file };
  for (const [name, { section, key, env: envName, kind }] of Object.entries(settings)) {
    const fromEnv = env[envName];
    const fromFile = sections.get(section)?.get(key);
    const value =
      fromEnv !== undefined && fromEnv !== ''
        ? convert(fromEnv, kind, cwd, envName)
        : fromFile !== undefined
          ? convert(fromFile, kind, dirname(file!), `${file} [${section}] ${key}`)
          : undefined;
    if (value !== undefined) out[name] = value;
  }
  return out;
}
