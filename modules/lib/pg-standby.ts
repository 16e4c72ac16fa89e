// Standby configuration text: libpq connection strings, postgresql.conf-style settings
// (recovery.conf, postgresql.auto.conf) and ~/.pgpass lines, parsed and written.

/** Parses a libpq key=value connection string ('quoted values' with backslash escapes). */
export function parseConninfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*([A-Za-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S*))/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    out[m[1]!] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
    if (re.lastIndex >= text.length) break;
  }
  return out;
}

function conninfoValue(v: string): string {
  return v !== '' && /^[^\s'\\]+$/.test(v) ? v : `'${v.replace(/([\\'])/g, '\\$1')}'`;
}

export function formatConninfo(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${conninfoValue(v)}`)
    .join(' ');
}

/** A string setting as postgresql.conf writes it: 'value' with '' and \\ escaped. */
export function confString(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The value of the last `name = value` line of a postgresql.conf-style file (later lines win). */
export function confSetting(text: string, name: string): string | undefined {
  let value: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_.]+)\s*=?\s*(?:'((?:[^'\\]|''|\\.)*)'|([^\s#]*))/.exec(line);
    if (!m || m[1]!.toLowerCase() !== name) continue;
    value = m[2] !== undefined ? m[2].replace(/''/g, "'").replace(/\\(.)/g, '$1') : m[3]!;
  }
  return value;
}

/** The file with each named setting on one line at the end (earlier lines for those names dropped; undefined: only dropped). */
export function withSettings(text: string, settings: Record<string, string | undefined>): string {
  const names = new Set(Object.keys(settings));
  const kept = text
    .replace(/\n$/, '')
    .split('\n')
    .filter((line) => {
      const m = /^\s*([A-Za-z_.]+)\s*=/.exec(line);
      return !(m && names.has(m[1]!.toLowerCase()));
    });
  const body = kept.length === 1 && kept[0] === '' ? [] : kept;
  const lines = Object.entries(settings).flatMap(([k, v]) => (v === undefined ? [] : [`${k} = ${confString(v)}`]));
  return [...body, ...lines].join('\n') + '\n';
}

const pgpassField = (v: string): string => v.replace(/([\\:])/g, '\\$1');

function splitPgpass(line: string): string[] {
  const fields: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\' && i + 1 < line.length) cur += line[++i];
    else if (line[i] === ':' && fields.length < 4) fields.push(cur), (cur = '');
    else cur += line[i];
  }
  fields.push(cur);
  return fields;
}

export interface PgpassKey {
  host: string;
  port: number;
  database: string;
  user: string;
}

export function pgpassLine(k: PgpassKey, password: string): string {
  return [k.host, String(k.port), k.database, k.user, password].map(pgpassField).join(':');
}

/** The line libpq would use for this connection: the first whose fields match (* matches anything). */
export function pgpassLookup(text: string, k: PgpassKey): string | undefined {
  const want = [k.host, String(k.port), k.database, k.user];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const f = splitPgpass(line);
    if (f.length === 5 && want.every((w, i) => f[i] === '*' || f[i] === w)) return line;
  }
  return undefined;
}

/** .pgpass with this connection's line first and other lines for exactly the same key dropped. */
export function withPgpassLine(text: string, k: PgpassKey, password: string): string {
  const want = [k.host, String(k.port), k.database, k.user];
  const others = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .filter((l) => {
      const f = splitPgpass(l);
      return !(f.length === 5 && want.every((w, i) => f[i] === w));
    });
  return [pgpassLine(k, password), ...others].join('\n') + '\n';
}
