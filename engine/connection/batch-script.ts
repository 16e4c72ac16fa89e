// Several commands in one remote script, one round trip, with each command's stdout, stderr and
// exit status kept apart and byte-exact. Each command runs as it would alone: in a subshell of
// its own, its stdin /dev/null or its own data (base64 in the script, decoded by coreutils), its
// output into files of a private temp dir (mktemp -d: mode 0700). After each command the script
// prints a line `MARK.k rc`, then its stdout and its stderr as one base64 line each: the reply is
// ASCII, whatever the bytes, and no output can be mistaken for a header.
import { randomBytes } from 'node:crypto';
import { quote } from '../shell.js';
import type { ExecResult } from '../module-api.js';

export interface BatchCommand {
  command: string;
  stdin?: string | Buffer;
  /** Run as this user (Connection.execAs): the script then runs as that user as a whole. */
  as?: { user: string; password?: string };
}

export interface BatchScript {
  script: string;
  mark: string;
}

export function batchScript(commands: BatchCommand[]): BatchScript {
  const mark = `tsplay-batch-${randomBytes(16).toString('hex')}`;
  const lines = ['_tsplay_d=$(mktemp -d) || exit 97'];
  commands.forEach((c, k) => {
    const data = c.stdin === undefined ? Buffer.alloc(0) : Buffer.from(c.stdin);
    const run = `( eval ${quote(c.command)} )`;
    const io = `>"$_tsplay_d/o" 2>"$_tsplay_d/e"`;
    lines.push(data.length ? `printf '%s' '${data.toString('base64')}' | base64 -d | ${run} ${io}` : `${run} </dev/null ${io}`);
    lines.push(`echo ${mark}.${k} "$?"; base64 -w0 <"$_tsplay_d/o"; echo; base64 -w0 <"$_tsplay_d/e"; echo`);
  });
  lines.push('rm -rf "$_tsplay_d"');
  return { script: lines.join('\n'), mark };
}

/**
 * The results of the script's commands in order. A command whose lines are missing (the script
 * was cut short) has no result: the array is shorter, and the caller runs those commands alone.
 */
export function parseBatch(stdout: string, mark: string, count: number): ExecResult[] {
  const lines = stdout.split('\n');
  const out: ExecResult[] = [];
  for (let k = 0; k < count; k++) {
    const m = new RegExp(`^${mark}\\.${k} (\\d+)$`).exec(lines[3 * k] ?? '');
    const [o, e] = [lines[3 * k + 1], lines[3 * k + 2]];
    if (!m || o === undefined || e === undefined || lines.length < 3 * k + 4) break;
    out.push({ code: Number(m[1]), stdout: Buffer.from(o, 'base64').toString('utf8'), stderr: Buffer.from(e, 'base64').toString('utf8') });
  }
  return out;
}
