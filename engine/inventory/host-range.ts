// Host ranges as Ansible writes them: `web[01:03]` → web01 web02 web03, `db-[a:c]` → db-a db-b
// db-c, `node[1:9:4]` → node1 node5 node9; several ranges in one name multiply.

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Expands every `[start:end(:step)]` in a host name; throws Error with a readable reason. */
export function expandHostRange(pattern: string): string[] {
  const open = pattern.indexOf('[');
  if (open < 0) return [pattern];
  const close = pattern.indexOf(']', open);
  if (close < 0) throw new Error(`'[' without ']' in host range '${pattern}'`);
  const head = pattern.slice(0, open);
  const range = pattern.slice(open + 1, close);
  const tails = expandHostRange(pattern.slice(close + 1));
  return rangeItems(range, pattern).flatMap((item) => tails.map((tail) => head + item + tail));
}

function rangeItems(range: string, pattern: string): string[] {
  const parts = range.split(':');
  if (parts.length < 2 || parts.length > 3) throw new Error(`host range '[${range}]' in '${pattern}' must be [start:end] or [start:end:step]`);
  const [start = '', end = '', stepText = '1'] = parts;
  const step = Number(stepText);
  if (!/^\d+$/.test(stepText) || step < 1) throw new Error(`host range step '${stepText}' in '${pattern}' must be a positive integer`);
  if (!end) throw new Error(`host range '[${range}]' in '${pattern}' has no end`);

  if (/^[a-zA-Z]$/.test(end) && /^[a-zA-Z]?$/.test(start)) {
    const from = start ? LETTERS.indexOf(start) : 0;
    const to = LETTERS.indexOf(end);
    if (from > to) throw new Error(`host range '[${range}]' in '${pattern}' runs backwards`);
    const out: string[] = [];
    for (let i = from; i <= to; i += step) out.push(LETTERS[i]!);
    return out;
  }
  if (!/^\d*$/.test(start) || !/^\d+$/.test(end)) {
    throw new Error(`host range '[${range}]' in '${pattern}' must be numbers (01:10) or single letters (a:f)`);
  }
  // A leading zero fixes the width of every name, so both ends must be written alike.
  const width = start.length > 1 && start.startsWith('0') ? start.length : 0;
  if (width && end.length !== width) {
    throw new Error(`host range '[${range}]' in '${pattern}' must give start and end with the same number of digits`);
  }
  const from = Number(start || '0');
  const to = Number(end);
  if (from > to) throw new Error(`host range '[${range}]' in '${pattern}' runs backwards`);
  const out: string[] = [];
  for (let i = from; i <= to; i += step) out.push(String(i).padStart(width, '0'));
  return out;
}

/** A host entry as inventories write it: `name`, `name:port` or a range, with or without a port. */
export function expandHostEntry(entry: string): { names: string[]; port?: number } {
  const m = /^(.*[^:]):(\d+)$/.exec(entry);
  // `name:port` as in Ansible, but only where the name itself has no colon (not IPv6).
  if (m && !m[1]!.replace(/\[[^\]]*\]/g, '').includes(':')) return { names: expandHostRange(m[1]!), port: Number(m[2]) };
  return { names: expandHostRange(entry) };
}
