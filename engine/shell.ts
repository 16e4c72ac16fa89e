// POSIX sh quoting for the commands modules send to remote hosts.

/** Quotes one word for POSIX sh: 'it'\''s'. */
export function quote(word: string | number): string {
  const s = String(word);
  if (s !== '' && /^[A-Za-z0-9_\-+.,/:=@%^]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Quotes and joins words into one command line. */
export function cmd(...words: (string | number)[]): string {
  return words.map(quote).join(' ');
}

/**
 * Joins probe commands into one remote script whose output is split into sections by a
 * marker line, so that a check costs one round trip. Parse the output with `splitSections`.
 * Each probe runs in a subshell: an `exit` in one ends that probe only.
 */
export function sections(probes: Record<string, string>): string {
  return Object.entries(probes)
    .map(([key, probe]) => `echo '@@tsplay@@ ${key}'; ( ${probe} ) 2>&1; echo "@@tsplay@@rc $?"`)
    .join('\n');
}

export interface Section {
  out: string;
  rc: number;
}

export function splitSections(stdout: string): Record<string, Section> {
  const result: Record<string, Section> = {};
  const parts = stdout.split(/^@@tsplay@@ /m).slice(1);
  for (const part of parts) {
    const nl = part.indexOf('\n');
    const key = nl < 0 ? part : part.slice(0, nl);
    const body = nl < 0 ? '' : part.slice(nl + 1);
    const m = /@@tsplay@@rc (\d+)\n?$/.exec(body);
    const out = m ? body.slice(0, m.index) : body;
    result[key] = { out, rc: m ? Number(m[1]) : -1 };
  }
  return result;
}
