// psql for the PostgreSQL modules. The SQL always travels on stdin (never in argv), psql runs
// as the database's OS user over the local socket, and its output comes back in a form that no
// value can break: NUL between fields, RS (0x1e) between records, GS (0x1d) for NULL. Errors are
// printed with their SQLSTATE (VERBOSITY verbose), which does not depend on the server's language.
import { ModuleError, cmd, quote, redact, type ExecResult, type ModuleContext } from '../../sdk/index.js';

export interface PsqlTarget {
  db: string;
  port: number;
  /** The OS user psql runs as; peer authentication maps it to the role of the same name. */
  osUser: string;
}

export const RECORD_SEP = '\u001e';
export const NULL_MARK = '\u001d';

/** Output settings sent before the SQL; QUIET goes off last so that command tags are printed. */
const PREAMBLE = [
  '\\pset format unaligned',
  '\\pset fieldsep_zero',
  "\\pset recordsep '\\x1e'",
  "\\pset null '\\x1d'",
  '\\pset footer on',
  '\\pset tuples_only off',
  '\\set VERBOSITY verbose',
  '\\set QUIET off',
].join('\n');

/**
 * The psql command line: C messages so that the row-count footer can be parsed; the session's
 * application_name says who runs it (pg_stat_activity, server log).
 */
export function psqlCommand(t: Pick<PsqlTarget, 'db' | 'port'>, appName = 'tsplay'): string {
  return `LC_ALL=C PGAPPNAME=${quote(appName)} ${cmd('psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', t.db, '-p', t.port)}`;
}

/** A statement for a psql script, terminated (a lone ';' after a terminated one is skipped). */
export function stmt(sql: string): string {
  return `${sql}\n;`;
}

/** Lines run with QUIET on, so that their command tags (BEGIN, COMMIT…) are not printed. */
export function quietly(...lines: string[]): string {
  return ['\\set QUIET on', ...lines, '\\set QUIET off'].join('\n');
}

/** The script for psql's stdin: the output preamble, then the given lines. */
export function psqlScript(lines: string[]): string {
  return `${PREAMBLE}\n${lines.join('\n')}\n`;
}

/** One result of a statement as psql prints it: a row set or a command tag. */
export type PsqlItem =
  | { kind: 'rows'; columns: string[]; rows: (string | null)[][]; count: number }
  | { kind: 'tag'; tag: string };

const FOOTER = /\u001e\((\d+) rows?\)\n/y;

/** Parses psql's unaligned output (see PREAMBLE) into row sets and command tags. */
export function parsePsqlOutput(out: string): PsqlItem[] {
  const items: PsqlItem[] = [];
  let pos = 0;
  while (pos < out.length) {
    const nl = out.indexOf('\n', pos);
    const rs = out.indexOf(RECORD_SEP, pos);
    if (rs !== -1 && (nl === -1 || rs < nl)) {
      // A row set: header, records, then the footer "(N rows)" after a record separator.
      let end = rs;
      let m: RegExpExecArray | null = null;
      while (end !== -1) {
        FOOTER.lastIndex = end;
        m = FOOTER.exec(out);
        if (m) break;
        end = out.indexOf(RECORD_SEP, end + 1);
      }
      if (!m) throw new ModuleError(`unexpected psql output (no row count after a row set): ${JSON.stringify(out.slice(pos, pos + 200))}`);
      const records = out.slice(pos, end).split(RECORD_SEP);
      const columns = records[0]!.split('\0');
      const rows = records.slice(1).map((r) => r.split('\0').map((v) => (v === NULL_MARK ? null : v)));
      items.push({ kind: 'rows', columns, rows, count: Number(m[1]) });
      pos = end + m[0].length;
    } else {
      const line = out.slice(pos, nl === -1 ? out.length : nl);
      if (line.trim()) items.push({ kind: 'tag', tag: line.trim() });
      pos = nl === -1 ? out.length : nl + 1;
    }
  }
  return items;
}

/** Rows as objects keyed by column name (a later duplicate name wins, as in Ansible). */
export function rowObjects(item: Extract<PsqlItem, { kind: 'rows' }>): Record<string, string | null>[] {
  return item.rows.map((r) => Object.fromEntries(item.columns.map((c, i) => [c, r[i] ?? null])));
}

/** What the last statement of a script returned, in the shape of Ansible's postgresql_query. */
export interface StatementResult {
  rows: Record<string, string | null>[];
  rowcount: number;
  statusmessage: string;
}

const COUNTED_TAG = /^(?:INSERT \d+|UPDATE|DELETE|SELECT|MERGE|COPY|FETCH|MOVE) (\d+)$/;

/**
 * The last statement's result. A row set directly followed by an INSERT/UPDATE/DELETE/MERGE tag
 * of the same count is that statement's RETURNING rows.
 */
export function statementResult(items: PsqlItem[]): StatementResult {
  const last = items.at(-1);
  if (!last) return { rows: [], rowcount: 0, statusmessage: '' };
  if (last.kind === 'rows') return { rows: rowObjects(last), rowcount: last.count, statusmessage: `SELECT ${last.count}` };
  const m = COUNTED_TAG.exec(last.tag);
  const rowcount = m ? Number(m[1]) : 0;
  const prev = items.at(-2);
  const returning = prev?.kind === 'rows' && /^(INSERT|UPDATE|DELETE|MERGE) /.test(last.tag) && prev.count === rowcount;
  return { rows: returning ? rowObjects(prev) : [], rowcount, statusmessage: last.tag };
}

export interface SqlError {
  /** The five-character SQLSTATE, when PostgreSQL reported one. */
  sqlstate?: string;
  /** The error as PostgreSQL worded it, with DETAIL/HINT lines, without psql's noise. */
  message: string;
}

const ERROR_LINE = /^(?:psql:[^\n]*?:\d+: )?([A-ZА-ЯЁ]+):\s+([0-9A-Z]{5}): (.*)$/;

/** Extracts the error from psql's stderr (NOTICE and LOCATION lines are dropped). */
export function parseSqlError(stderr: string): SqlError {
  const lines = stderr.split('\n');
  const at = lines.findIndex((l) => {
    const m = ERROR_LINE.exec(l);
    return m !== null && !/^(NOTICE|WARNING|INFO|DEBUG|LOG)$/.test(m[1]!);
  });
  if (at === -1) return { message: stderr.trim() || 'psql failed without a message' };
  const m = ERROR_LINE.exec(lines[at]!)!;
  const rest = lines
    .slice(at + 1)
    .filter((l) => l.trim() && !/^(LOCATION|ПОЛОЖЕНИЕ):/.test(l) && !ERROR_LINE.exec(l))
    .map((l) => l.replace(/^psql:[^\n]*?:\d+: /, ''));
  return { sqlstate: m[2], message: [`${m[1]}:  ${m[3]} (SQLSTATE ${m[2]})`, ...rest].join('\n') };
}

export interface PsqlRun {
  items: PsqlItem[];
  exec: ExecResult;
  /** Set when psql failed. */
  error?: SqlError;
  /** psql's exit code 2: it could not connect (or lost the connection), so no SQL ran to its end. */
  connectionFailed?: boolean;
}

/** Runs script lines (see stmt, quietly) through one psql process (one round trip); SQL errors are returned. */
export async function runPsql(ctx: ModuleContext, t: PsqlTarget, lines: string[], secrets: string[] = [], appName?: string): Promise<PsqlRun> {
  const r = await ctx.exec(psqlCommand(t, appName), { stdin: psqlScript(lines), becomeUser: t.osUser, secrets });
  if (r.code === 0) return { items: parsePsqlOutput(r.stdout), exec: r };
  const error = parseSqlError(r.stderr);
  error.message = redact(error.message, secrets);
  return { items: [], exec: r, error, connectionFailed: r.code === 2 };
}

/** Like runPsql, but a failure is a ModuleError naming the host and what was being done. */
export async function queryPsql(ctx: ModuleContext, t: PsqlTarget, lines: string[], what: string, secrets: string[] = []): Promise<PsqlItem[]> {
  const r = await runPsql(ctx, t, lines, secrets);
  if (r.error) throw new ModuleError(`${ctx.host}: ${what} failed (psql on port ${t.port}, database ${t.db}, as ${t.osUser}): ${r.error.message}`);
  return r.items;
}

/** PostgreSQL's quote_literal: 'it''s', with the E'' form when there are backslashes. */
export function sqlLiteral(value: string): string {
  const q = `'${value.replace(/'/g, "''")}'`;
  return value.includes('\\') ? `E${q.replace(/\\/g, '\\\\')}` : q;
}

/** PostgreSQL's quote_ident, always quoted: "My ""Table""". */
export function sqlIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A value from YAML as an SQL literal. */
export function sqlValue(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ModuleError(`cannot send ${v} as an SQL value`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return sqlLiteral(v);
  return sqlLiteral(JSON.stringify(v));
}

/**
 * Substitutes psycopg2-style placeholders: each %s takes the next argument as a quoted literal,
 * %% is a literal %. The count must match. Without arguments the query is sent as written.
 */
export function bindPositional(query: string, args: unknown[]): string {
  if (args.length === 0) return query;
  let i = 0;
  const out = query.replace(/%(s|%)/g, (_whole, kind: string) => {
    if (kind === '%') return '%';
    if (i >= args.length) throw new ModuleError(`query has more %s placeholders than positional_args (${args.length})`);
    return sqlValue(args[i++]);
  });
  if (i !== args.length) throw new ModuleError(`positional_args has ${args.length} values but the query uses ${i} %s placeholders`);
  return out;
}

/** PostgreSQL's truthiness of a text value printed by psql ('t', 'true', '1', 'on', 'yes'). */
export function pgTruthy(v: string | null | undefined): boolean {
  return v !== null && v !== undefined && /^(t|true|1|on|yes|y)$/i.test(v.trim());
}
