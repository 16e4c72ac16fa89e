// A checker of ssh, ssh-keygen and ssh-keyscan command lines against one OpenSSH release's
// option set: its getopt strings and its `-o` keywords with their values, as extracted from the
// sources (options-<tag>.json, see extract-options.mjs). Astra Linux SE 1.6 ships OpenSSH 7.4
// (V_7_4_P1); V_10_5_P1 stands for today's OpenSSH. Words that start with `$` are shell
// variables: their value is not known, only their place.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../engine/install-paths.js';

export type OpenSshRelease = 'V_7_4_P1' | 'V_10_5_P1';
export const OPENSSH_RELEASES: OpenSshRelease[] = ['V_7_4_P1', 'V_10_5_P1'];

interface OptionSpec {
  status: 'ok' | 'deprecated' | 'unsupported' | 'ignored';
  values?: string[];
  type?: 'int' | 'time' | 'string';
}

interface OptionSet {
  source: string;
  getopt: Record<'ssh' | 'ssh-keygen' | 'ssh-keyscan', string>;
  options: Record<string, OptionSpec>;
}

/**
 * Key type names of `-t`: ssh-keygen's key_type_name and ssh-keyscan's sshkey_type_from_name
 * (7.4) / sshkey_type_from_shortname (10.5). DSA is gone since 10.0, RSA1 since 7.6.
 */
const KEY_TYPES: Record<OpenSshRelease, { keygen: string[]; keyscan: string[] }> = {
  V_7_4_P1: { keygen: ['rsa1', 'dsa', 'ecdsa', 'ed25519', 'rsa'], keyscan: ['rsa1', 'dsa', 'ecdsa', 'ed25519', 'rsa'] },
  V_10_5_P1: {
    keygen: ['ecdsa', 'ecdsa-sk', 'ed25519', 'ed25519-sk', 'rsa'],
    keyscan: ['ecdsa', 'ecdsa-sk', 'ed25519', 'ed25519-sk', 'rsa'],
  },
};

/** ssh-keygen -m (key format) values. */
const KEY_FORMATS = ['RFC4716', 'PKCS8', 'PEM'];

const sets = new Map<OpenSshRelease, OptionSet>();
export function optionSet(release: OpenSshRelease): OptionSet {
  let s = sets.get(release);
  if (!s) {
    s = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'lab', 'openssh', `options-${release}.json`), 'utf8')) as OptionSet;
    sets.set(release, s);
  }
  return s;
}

const isVar = (w: string): boolean => w.startsWith('$');

/** getopt's view of a string such as "ab:c": option letter → takes an argument. */
function parseGetopt(spec: string): Map<string, boolean> {
  const m = new Map<string, boolean>();
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    const takesArg = spec[i + 1] === ':';
    if (!m.has(c)) m.set(c, takesArg); // getopt uses the first occurrence
    if (takesArg) i++;
  }
  return m;
}

export interface ParsedOption {
  letter: string;
  value?: string;
}

/**
 * Options as OpenBSD getopt reads them (it stops at the first non-option). ssh reads options
 * again after the destination (ssh.c: `goto again`), so `ssh host -p 22 cmd` is legal there.
 */
function getopt(words: string[], spec: Map<string, boolean>, problems: string[], program: string): { options: ParsedOption[]; rest: string[] } {
  const options: ParsedOption[] = [];
  let i = 0;
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') return { options, rest: words.slice(i + 1) };
    if (!w.startsWith('-') || w === '-') break;
    for (let j = 1; j < w.length; j++) {
      const c = w[j]!;
      const takesArg = spec.get(c);
      if (takesArg === undefined) {
        problems.push(`${program}: unknown option -${c}`);
        continue;
      }
      if (!takesArg) {
        options.push({ letter: c });
        continue;
      }
      const value = j + 1 < w.length ? w.slice(j + 1) : words[++i];
      if (value === undefined) problems.push(`${program}: option -${c} requires an argument`);
      options.push({ letter: c, value });
      break;
    }
  }
  return { options, rest: words.slice(i) };
}

/** OpenSSH's convtime: a number with optional s/m/h/d/w suffixes ("10", "1m30s"). */
const TIME = /^(?:\d+[sSmMhHdDwW]?)+$/;

function checkDashO(value: string, set: OptionSet, release: OpenSshRelease, problems: string[]): void {
  if (isVar(value)) return;
  const m = /^\s*([A-Za-z0-9]+)\s*(?:=\s*|\s+)(.*)$/.exec(value);
  if (!m) {
    problems.push(`ssh -o '${value}': not KEYWORD=VALUE`);
    return;
  }
  const [, name, arg] = m as unknown as [string, string, string];
  const spec = set.options[name.toLowerCase()];
  if (!spec) {
    problems.push(`ssh -o ${name}: Bad configuration option in OpenSSH ${release} (unknown keyword)`);
    return;
  }
  if (spec.status !== 'ok') problems.push(`ssh -o ${name}: ${spec.status} in OpenSSH ${release}`);
  if (isVar(arg)) return;
  if (spec.values && !spec.values.includes(arg.toLowerCase())) {
    problems.push(`ssh -o ${name}=${arg}: OpenSSH ${release} accepts only ${spec.values.join(', ')}`);
  } else if (spec.type === 'int' && !/^-?\d+$/.test(arg)) {
    problems.push(`ssh -o ${name}=${arg}: not an integer`);
  } else if (spec.type === 'time' && !TIME.test(arg)) {
    problems.push(`ssh -o ${name}=${arg}: not a time`);
  }
}

function checkKeyTypes(program: 'ssh-keygen' | 'ssh-keyscan', value: string | undefined, release: OpenSshRelease, problems: string[]): void {
  if (value === undefined || isVar(value)) return;
  const known = KEY_TYPES[release][program === 'ssh-keygen' ? 'keygen' : 'keyscan'];
  const types = program === 'ssh-keyscan' ? value.split(',') : [value];
  for (const t of types) if (!known.includes(t)) problems.push(`${program} -t ${t}: unknown key type in OpenSSH ${release} (${known.join(', ')})`);
}

/**
 * Problems of one command line (argv[0] is the program, a path or a name) under `release`;
 * empty when that release runs it. Also enforces what the option set alone does not show:
 * 7.4's `ssh-keygen -c` refuses PEM RSA keys (its default format), and ssh needs a destination.
 */
export function checkOpenSshCommand(argv: string[], release: OpenSshRelease): string[] {
  const program = (argv[0] ?? '').split('/').pop()!;
  const set = optionSet(release);
  const problems: string[] = [];
  if (program !== 'ssh' && program !== 'ssh-keygen' && program !== 'ssh-keyscan') return [`not an OpenSSH client program: ${argv[0]}`];
  const spec = parseGetopt(set.getopt[program]);
  let { options, rest } = getopt(argv.slice(1), spec, problems, program);
  if (program === 'ssh') {
    if (rest.length === 0) problems.push('ssh: no destination');
    else {
      const again = getopt(rest.slice(1), spec, problems, program);
      options = [...options, ...again.options];
    }
    for (const o of options) if (o.letter === 'o' && o.value !== undefined) checkDashO(o.value, set, release, problems);
  }
  if (program === 'ssh-keygen' || program === 'ssh-keyscan') {
    for (const o of options.filter((x) => x.letter === 't')) checkKeyTypes(program, o.value, release, problems);
  }
  if (program === 'ssh-keygen') {
    for (const o of options.filter((x) => x.letter === 'm')) {
      if (o.value !== undefined && !isVar(o.value) && !KEY_FORMATS.includes(o.value.toUpperCase())) problems.push(`ssh-keygen -m ${o.value}: unknown key format`);
    }
    // ssh-keygen.c do_change_comment (7.4): "Comments are only supported for RSA1 or keys stored
    // in the new format (-o)"; 7.4 writes RSA keys as PEM unless -o is given.
    if (release === 'V_7_4_P1' && options.some((o) => o.letter === 'c')) {
      problems.push('ssh-keygen -c: OpenSSH 7.4 changes comments only of RSA1, ed25519 or new-format (-o) keys, not of its default PEM RSA keys');
    }
  }
  return problems;
}
