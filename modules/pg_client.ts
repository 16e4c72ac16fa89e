// pg_client: a PostgreSQL client on the controller (the `pg` package, loaded on first use) that
// connects over TCP — typically to pgpool-II on the balancer — and runs queries, as an
// application would. Read-only queries are run by check ("no change", rows in the result);
// anything else is an action run by apply.
import { ModuleError, defineModule, redact } from '../sdk/index.js';

interface Args {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  queries: string | string[];
  expect?: (Record<string, unknown>[] | null)[];
  connect_timeout: number;
}

interface QueryOutcome {
  query: string;
  rows: Record<string, unknown>[];
  rowcount: number;
  statusmessage: string;
}

/** Date and time types stay as PostgreSQL prints them, rather than JavaScript Dates. */
const TEXT_TYPES = new Set([1082, 1083, 1114, 1184, 1266]);

/** SQL words that make a statement write (or may write). */
const WRITING = /\b(insert|update|delete|merge|truncate|create|drop|alter|grant|revoke|into|copy|call|do|lock|nextval|setval|vacuum|analyze|cluster|reindex|refresh|comment|security|listen|notify|prepare|execute|set|reset|begin|commit|rollback)\b/;

/** Whether every statement of the SQL only reads: SELECT/SHOW/VALUES/TABLE/WITH without writing words. */
export function isReadOnlySql(sql: string): boolean {
  const code = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"]|"")*"/g, '""')
    .replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, "''")
    .toLowerCase();
  const statements = code.split(';').map((s) => s.trim()).filter(Boolean);
  return statements.length > 0 && statements.every((s) => /^(select|show|values|table|with)\b/.test(s) && !WRITING.test(s));
}

function queryList(a: Args): string[] {
  const list = Array.isArray(a.queries) ? a.queries : [a.queries];
  if (list.length === 0) throw new ModuleError('pg_client: queries is empty');
  return list;
}

const where = (a: Args): string => `${a.host}:${a.port} (database ${a.database}, user ${a.user})`;

async function runQueries(a: Args, queries: string[]): Promise<QueryOutcome[]> {
  const { default: pg } = await import('pg');
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      TEXT_TYPES.has(oid) ? (v: string) => v : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
  const client = new pg.Client({
    host: a.host,
    port: a.port,
    user: a.user,
    password: a.password,
    database: a.database,
    connectionTimeoutMillis: a.connect_timeout * 1000,
    types,
  });
  const secrets = a.password ? [a.password] : [];
  const fail = (e: unknown, query?: string): ModuleError => {
    const err = e as Error & { code?: string };
    const state = err.code && /^[0-9A-Z]{5}$/.test(err.code) ? ` (SQLSTATE ${err.code})` : '';
    return new ModuleError(redact(`pg_client: ${where(a)}: ${query ? `${query}: ` : ''}${err.message}${state}`, secrets), { sqlstate: err.code });
  };
  // A client error after connecting (the server going away) must not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    throw fail(e);
  }
  try {
    const out: QueryOutcome[] = [];
    for (const query of queries) {
      let res;
      try {
        res = await client.query(query);
      } catch (e) {
        throw fail(e, query);
      }
      // Several statements in one string give one result each: the last one speaks.
      const last = Array.isArray(res) ? res.at(-1) : res;
      const count = last?.rowCount ?? null;
      const command = last?.command ?? '';
      // pg keeps the tag's first word and its count: "INSERT 0 1", "SELECT 3", "CREATE".
      const statusmessage = count === null ? command : command === 'INSERT' ? `INSERT ${last?.oid ?? 0} ${count}` : `${command} ${count}`;
      out.push({ query, rows: last?.rows ?? [], rowcount: count ?? 0, statusmessage });
    }
    return out;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** expect: per query, null (anything) or the rows it must return (listed columns compared as text). */
function checkExpectations(a: Args, outcomes: QueryOutcome[]): void {
  a.expect?.forEach((want, i) => {
    const got = outcomes[i];
    if (want === null || want === undefined || !got) return;
    const same =
      got.rows.length === want.length &&
      want.every((row, r) => Object.entries(row).every(([k, v]) => String(got.rows[r]![k]) === String(v)));
    if (!same) {
      throw new ModuleError(`pg_client: ${where(a)}: query ${i + 1} (${got.query}) returned ${JSON.stringify(got.rows)}, expected ${JSON.stringify(want)}`, {
        results: outcomes,
      });
    }
  });
}

function result(outcomes: QueryOutcome[]): Record<string, unknown> {
  return { results: outcomes, rows: outcomes.at(-1)?.rows ?? [] };
}

export default defineModule<Args>({
  name: 'pg_client',
  summary: 'Connect to PostgreSQL (or pgpool-II) from the controller and run queries',
  description:
    'Uses the `pg` package in the tsplay process to connect over TCP to host:port with user, password ' +
    'and database, as a client application would (e.g. through the balancer), and runs the queries in ' +
    'order. When every query only reads (SELECT, SHOW, VALUES, TABLE, WITH without writing words) check ' +
    'runs them and reports "no change" with the rows; otherwise the queries are an action run by apply. ' +
    'expect: per query, null or the list of rows it must return (the listed columns are compared as ' +
    'text); a difference fails the task.\n\nresult: results (query, rows, rowcount, statusmessage per ' +
    'query) and rows (of the last query). Errors name host:port and PostgreSQL\'s message, never the password.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['host', 'user', 'queries'],
    properties: {
      host: { type: 'string', description: 'Address of the server or balancer, as seen from the controller.' },
      port: { type: 'integer', default: 5432, description: 'TCP port.' },
      user: { type: 'string', description: 'Database user.' },
      password: { type: 'string', description: 'Password (secret).' },
      database: { type: 'string', default: 'postgres', description: 'Database.' },
      queries: {
        type: ['string', 'array'],
        items: { type: 'string' },
        description: 'SQL to run: one string or a list, run in order on one connection.',
      },
      expect: {
        type: 'array',
        items: { type: ['array', 'null'], items: { type: 'object' } },
        description: 'Per query: null, or the rows it must return (only the listed columns are compared, as text).',
      },
      connect_timeout: { type: 'integer', minimum: 1, default: 10, description: 'Seconds to wait for the connection.' },
    },
  },
  aliases: { login_host: 'host', login_user: 'user', login_password: 'password', db: 'database', query: 'queries' },
  secrets: ['password'],
  controllerOnly: true,
  examples: `- name: a client reads through the balancer
  pg_client:
    host: "{{ hostvars.balancer.ansible_host }}"
    port: 5433
    user: postgres
    password: "{{ postgres_password }}"
    queries: [SELECT name FROM vpn_proto ORDER BY id]
    expect:
      - [{name: OpenVPN}, {name: SSTP}, {name: IPSec}]`,

  async check(_ctx, a) {
    const queries = queryList(a);
    if (!queries.every(isReadOnlySql)) {
      return { changed: true, description: `run ${queries.length} quer${queries.length === 1 ? 'y' : 'ies'} on ${where(a)}`, kind: 'run' };
    }
    const outcomes = await runQueries(a, queries);
    checkExpectations(a, outcomes);
    return {
      changed: false,
      reason: `read-only: ${outcomes.map((o) => o.statusmessage).join(', ')} from ${a.host}:${a.port}`,
      result: result(outcomes),
    };
  },

  async apply(_ctx, a) {
    const outcomes = await runQueries(a, queryList(a));
    checkExpectations(a, outcomes);
    return { result: result(outcomes) };
  },
});
