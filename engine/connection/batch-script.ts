// Several commands in one remote script, one round trip, with each command's stdout, stderr and
// exit status kept apart. Each command runs as it would alone: in a subshell of its own, its
// stdin /dev/null or its own data (base64 in the script, decoded by coreutils). After each
// command the script prints a trailer on both streams, as the persistent shell frames a
// command (remote-shell.ts): `\nMARK.k STATUS\n` on stdout, `\nMARK.k\n` on stderr, MARK 128
// random bits fresh per script, so no output can forge another command's end. Nothing else
// runs per command: no temp file, no encoding of the output (those cost the host several forks
// per check, more than the checks themselves).
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
  const lines = commands.map((c, k) => {
    const data = c.stdin === undefined ? Buffer.alloc(0) : Buffer.from(c.stdin);
    const run = `( eval ${quote(c.command)} )`;
    const io = data.length ? `printf '%s' '${data.toString('base64')}' | base64 -d | ${run}` : `${run} </dev/null`;
    return `${io}; printf '\\n%s %s\\n' ${mark}.${k} "$?"; printf '\\n%s\\n' ${mark}.${k} >&2`;
  });
  return { script: lines.join('\n'), mark };
}

/**
 * The results of the script's commands in order. A command whose trailers are missing (the
 * script was cut short) has no result: the array is shorter, and the caller runs those commands
 * alone. Output cut to its bounds (ExecResult.cut) gives no results at all.
 */
export function parseBatch(r: ExecResult, mark: string, count: number): ExecResult[] {
  const out: ExecResult[] = [];
  if (r.cut) return out;
  let o = 0;
  let e = 0;
  for (let k = 0; k < count; k++) {
    const trailer = new RegExp(`\\n${mark}\\.${k} (\\d+)\\n`, 'g');
    trailer.lastIndex = o;
    const t = trailer.exec(r.stdout);
    const errTrailer = `\n${mark}.${k}\n`;
    const et = r.stderr.indexOf(errTrailer, e);
    if (!t || et < 0) break;
    out.push({ code: Number(t[1]), stdout: r.stdout.slice(o, t.index), stderr: r.stderr.slice(e, et) });
    o = t.index + t[0].length;
    e = et + errTrailer.length;
  }
  return out;
}
