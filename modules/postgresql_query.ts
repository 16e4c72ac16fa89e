// postgresql_query: runs SQL with psql as the database's OS user over the local socket.
// Idempotence comes from check_query (a query that says whether the work is already done), or
// from the query itself: a query that succeeds inside a READ ONLY transaction changes nothing,
// so it is run by check and reported as "no change" with its rows.
import { ModuleError, defineModule } from '../sdk/index.js';
import {
  bindPositional,
  type PsqlItem,
  type PsqlTarget,
  queryPsql,
  quietly,
  runPsql,
  statementResult,
  stmt,
} from './lib/psql.js';

interface Args {
  query: string;
  db: string;
  port: number;
  login_user: string;
  positional_args?: unknown[];
  check_query?: string;
  autocommit: boolean;
}

/** The query with its arguments bound, ready for psql's stdin. */
type Plan = string;

/** SQLSTATE classes that mean "could not get to run SQL at all", not "this SQL writes". */
const NOT_A_TRIAL_VERDICT = /^(08|28|3D|57)/;

function target(a: Args): PsqlTarget {
  return { db: a.db, port: a.port, osUser: a.login_user };
}

function oneLine(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}

/** check_query says "done" when it returns a row whose first value is not false or NULL. */
function checkSatisfied(items: PsqlItem[]): boolean {
  const set = [...items].reverse().find((i) => i.kind === 'rows');
  if (!set || set.kind !== 'rows' || set.rows.length === 0) return false;
  const v = set.rows[0]![0];
  return v !== null && v !== undefined && !/^(f|false|0|off|no|n|)$/i.test(v.trim());
}

export default defineModule<Args, Plan>({
  name: 'postgresql_query',
  ansibleNames: ['community.postgresql.postgresql_query'],
  summary: 'Run SQL with psql on the host (rows, rowcount, statusmessage); idempotent through check_query',
  description:
    'Runs the query with `psql -X -v ON_ERROR_STOP=1` as login_user (an OS user: sudo/su, peer ' +
    'authentication over the local socket); the SQL goes on stdin, never in argv. positional_args ' +
    'fill %s placeholders as quoted literals (%% is a literal %), as psycopg2 does.\n\n' +
    'check: with check_query, "no change" when it returns true (or a row whose first value is not ' +
    'false/NULL); otherwise the query is needed and, after apply, check_query must return true. ' +
    'Without check_query the query is tried inside a READ ONLY transaction that is rolled back: if ' +
    'it succeeds (a SELECT, SHOW…) it is "no change" and its rows are the result; if it writes it is ' +
    'an action run by apply. Values come back as PostgreSQL prints them (strings), NULL as null.\n\n' +
    'result: rows (objects of the last statement that returned rows), rowcount, statusmessage ' +
    '("INSERT 0 1", "SELECT 3"), query. An SQL error fails the task with PostgreSQL\'s message and ' +
    'SQLSTATE, e.g. "ERROR:  cannot execute INSERT in a read-only transaction (SQLSTATE 25006)" on a standby.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['query'],
    properties: {
      query: { type: 'string', minLength: 1, description: 'SQL to run (one or more statements).' },
      db: { type: 'string', default: 'postgres', description: 'Database to connect to.' },
      port: { type: 'integer', default: 5432, description: 'Port of the cluster (selects the socket).' },
      login_user: { type: 'string', default: 'postgres', description: 'OS user psql runs as; peer authentication maps it to the role of the same name.' },
      positional_args: { type: 'array', description: 'Values for the %s placeholders of query and check_query, sent as quoted literals.' },
      check_query: { type: 'string', minLength: 1, description: 'SQL that returns true (or a row) when query is not needed, e.g. SELECT to_regclass(\'vpn_proto\') IS NOT NULL.' },
      autocommit: { type: 'boolean', default: false, description: 'false: run the query in one transaction (BEGIN … COMMIT); true: each statement commits on its own (needed for CREATE DATABASE, VACUUM).' },
    },
  },
  aliases: { login_db: 'db' },
  examples: `- name: create the test table on the primary
  postgresql_query:
    check_query: SELECT to_regclass('vpn_proto') IS NOT NULL
    query: |
      CREATE TABLE VPN_proto (ID SERIAL PRIMARY KEY, name CHARACTER VARYING(30), tunnels_num INTEGER,
        crypts_num INTEGER, KZ_num INTEGER, key_start_date TIMESTAMP);
      INSERT INTO VPN_proto VALUES (1, 'OpenVPN', 2, 2, 5, '2021-06-14 00:01:03');
- name: read it on the standby
  postgresql_query:
    query: SELECT * FROM vpn_proto WHERE name = %s
    positional_args: [OpenVPN]
  register: vpn`,

  async check(ctx, a) {
    const t = target(a);
    const args = a.positional_args ?? [];
    const query = bindPositional(a.query, args);
    // Not a probe: the SQL travels on psql's stdin, which a probe has none of.
    if (a.check_query !== undefined) {
      const items = await queryPsql(ctx, t, [stmt(bindPositional(a.check_query, args))], 'check_query');
      if (checkSatisfied(items)) return { changed: false, reason: `check_query is true: ${oneLine(a.check_query)}` };
      return { changed: true, description: `run: ${oneLine(a.query)} (check_query is false)`, plan: query };
    }
    const trial = await runPsql(ctx, t, [quietly('BEGIN READ ONLY;'), stmt(query), quietly('ROLLBACK;')], [], 'tsplay read-only trial');
    if (!trial.error) {
      const r = statementResult(trial.items);
      return { changed: false, reason: `read-only query: ${r.statusmessage || 'no result'}`, result: { ...r, query: a.query } };
    }
    if (trial.connectionFailed || NOT_A_TRIAL_VERDICT.test(trial.error.sqlstate ?? '')) {
      throw new ModuleError(`${ctx.host}: cannot run SQL (psql on port ${a.port}, database ${a.db}, as ${a.login_user}): ${trial.error.message}`);
    }
    const why = trial.error.sqlstate === '25006' ? 'it writes' : `a read-only trial failed: ${trial.error.message.split('\n')[0]}`;
    return { changed: true, description: `run: ${oneLine(a.query)} (${why})`, plan: query, kind: 'run' };
  },

  async apply(ctx, a, change) {
    const query = change.plan!;
    const lines = a.autocommit ? [stmt(query)] : [quietly('BEGIN;'), stmt(query), quietly('COMMIT;')];
    const r = await runPsql(ctx, target(a), lines);
    if (r.error) {
      throw new ModuleError(`${ctx.host}: query failed: ${r.error.message}`, { query: a.query, sqlstate: r.error.sqlstate, msg: r.error.message, rc: r.exec.code });
    }
    return { result: { ...statementResult(r.items), query: a.query } };
  },
});
