// What the command and shell modules share: creates/removes probes, running the command and the
// Ansible-shaped result (stdout, stderr, rc, *_lines), and a non-zero exit as a failure that
// still carries that result (for register, failed_when and ignore_errors).
import { ModuleError, quote, raw, type CheckResult, type ModuleContext, type ProbeOutput, type ProbeSet } from '../../sdk/index.js';

/** Arguments common to command and shell. */
export interface RunArgs {
  chdir?: string;
  creates?: string;
  removes?: string;
  stdin?: string;
  stdin_add_newline: boolean;
}

export const runArgsSchema = {
  chdir: { type: 'string', description: 'Change into this directory before running the command.' },
  creates: { type: 'string', description: 'A path (glob allowed): when it exists the command is not run.' },
  removes: { type: 'string', description: 'A path (glob allowed): when it does not exist the command is not run.' },
  stdin: { type: 'string', description: "Text fed to the command's standard input." },
  stdin_add_newline: { type: 'boolean', default: true, description: 'Append a newline to stdin.' },
} as const;

/**
 * Splits a command line into words as sh would — quotes and backslashes — but without any
 * expansion: $VAR, `…`, globs, ~ and operators (| ; > &) stay literal text.
 */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new ModuleError(`unterminated single quote in: ${line}`);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length && '$`"\\\n'.includes(line[j + 1]!)) {
          j++;
          if (line[j] !== '\n') word += line[j];
        } else word += line[j];
      }
      if (j >= line.length) throw new ModuleError(`unterminated double quote in: ${line}`);
      inWord = true;
      i = j;
    } else if (c === '\\') {
      if (i + 1 < line.length && line[i + 1] !== '\n') word += line[i + 1];
      inWord = true;
      i++;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Quotes a path for sh but leaves its glob characters (* ? [...]) active. */
export function globQuote(pattern: string): string {
  return pattern
    .split(/(\*|\?|\[[^\]/]+\])/)
    .filter((part) => part !== '')
    .map((part) => (/^(\*|\?|\[[^\]/]+\])$/.test(part) ? part : quote(part)))
    .join('');
}

/** A sh snippet that exits 0 when something matches the path (or glob). */
function existsProbe(pattern: string): string {
  return `( for f in ${globQuote(pattern)}; do if [ -e "$f" ] || [ -L "$f" ]; then exit 0; fi; done; exit 1 )`;
}

/** What command/shell read: whether `creates` and `removes` exist (nothing without them). */
export function runProbes(a: RunArgs): ProbeSet {
  const set: ProbeSet = {};
  // Relative paths are relative to chdir, as in Ansible (when the directory exists already).
  const cd = a.chdir ? `cd -- ${quote(a.chdir)} 2>/dev/null; ` : '';
  if (a.creates !== undefined) set.creates = raw(cd + existsProbe(a.creates));
  if (a.removes !== undefined) set.removes = raw(cd + existsProbe(a.removes));
  return set;
}

/** check for command/shell: creates/removes may say there is nothing to do; otherwise a `run`. */
export function checkRun(a: RunArgs, probed: Record<string, unknown>, shown: string): CheckResult {
  const s = probed as Partial<Record<'creates' | 'removes', ProbeOutput>>;
  if (a.creates !== undefined && s.creates?.rc === 0) return { changed: false, reason: `${a.creates} exists` };
  if (a.removes !== undefined && s.removes?.rc !== 0) return { changed: false, reason: `${a.removes} does not exist` };
  return { changed: true, description: `run: ${shown}`, kind: 'run' };
}

const stripEnds = (s: string): string => s.replace(/[\r\n]+$/, '');

/** Runs the command line and returns Ansible's result; a non-zero exit throws with that result. */
export async function runCommand(ctx: ModuleContext, a: RunArgs, line: string, shownCmd: string | string[]): Promise<Record<string, unknown>> {
  const command = a.chdir ? `cd -- ${quote(a.chdir)} && ${line}` : line;
  const stdin = a.stdin === undefined ? undefined : a.stdin + (a.stdin_add_newline ? '\n' : '');
  const r = await ctx.exec(command, stdin === undefined ? {} : { stdin });
  if (r.cut) ctx.log(`output cut to its first and last MiB: ${r.cut.stdout} bytes of stdout and ${r.cut.stderr} of stderr not kept`);
  const stdout = stripEnds(r.stdout);
  const stderr = stripEnds(r.stderr);
  const result = {
    cmd: shownCmd,
    rc: r.code,
    stdout,
    stderr,
    stdout_lines: stdout === '' ? [] : stdout.split(/\r?\n/),
    stderr_lines: stderr === '' ? [] : stderr.split(/\r?\n/),
  };
  if (r.code !== 0) {
    const tail = stderr.length > 2000 ? `…${stderr.slice(-2000)}` : stderr;
    throw new ModuleError(`${ctx.host}: non-zero return code ${r.code}: ${typeof shownCmd === 'string' ? shownCmd : shownCmd.join(' ')}${tail ? `\n${tail}` : ''}`, result);
  }
  return result;
}
