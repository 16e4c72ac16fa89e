// postgresql_user: a role's password and attributes. The password is compared with the stored
// verifier (md5 or SCRAM-SHA-256, recomputed on the controller) and set as a verifier computed on
// the controller, sent on psql's stdin: it never reaches argv, the server log or any message.
import { ModuleError, defineModule } from '../sdk/index.js';
import { md5Verifier, scramVerifier, verifierKind, verifierMatches } from './lib/pg-password.js';
import { type PsqlItem, type PsqlTarget, queryPsql, rowObjects, sqlIdent, sqlLiteral, stmt } from './lib/psql.js';

interface Args {
  name: string;
  password?: string;
  encrypted: boolean;
  role_attr_flags?: string | string[];
  db: string;
  port: number;
  login_user: string;
}

interface Plan {
  create: boolean;
  /** Attribute keywords to send (LOGIN, NOSUPERUSER…). */
  flags: string[];
  setPassword: boolean;
  /** The server's password_encryption: which verifier to send. */
  encryption: 'md5' | 'scram-sha-256';
}

/** role_attr_flags keywords and their pg_authid columns. */
const FLAG_COLUMNS: Record<string, string> = {
  SUPERUSER: 'rolsuper',
  INHERIT: 'rolinherit',
  CREATEROLE: 'rolcreaterole',
  CREATEDB: 'rolcreatedb',
  LOGIN: 'rolcanlogin',
  REPLICATION: 'rolreplication',
  BYPASSRLS: 'rolbypassrls',
};

interface WantedFlag {
  keyword: string;
  column: string;
  value: boolean;
}

export function parseFlags(flags: string | string[] | undefined): WantedFlag[] {
  const words = (Array.isArray(flags) ? flags : (flags ?? '').split(/[\s,]+/)).map((w) => w.trim().toUpperCase()).filter(Boolean);
  return words.map((w) => {
    const negated = w.startsWith('NO') && FLAG_COLUMNS[w.slice(2)] !== undefined;
    const base = negated ? w.slice(2) : w;
    const column = FLAG_COLUMNS[base];
    if (!column) {
      throw new ModuleError(`postgresql_user: unknown role_attr_flags entry '${w}' (allowed: ${Object.keys(FLAG_COLUMNS).map((k) => `${k}, NO${k}`).join(', ')})`);
    }
    return { keyword: w, column, value: !negated };
  });
}

function target(a: Args): PsqlTarget {
  return { db: a.db, port: a.port, osUser: a.login_user };
}

function probeStatements(name: string): string[] {
  const cols = ['rolpassword', ...Object.values(FLAG_COLUMNS)].join(', ');
  return [
    stmt("SELECT current_setting('password_encryption') AS enc"),
    stmt(`SELECT ${cols} FROM pg_authid WHERE rolname = ${sqlLiteral(name)}`),
  ];
}

function rowsOf(items: PsqlItem[], index: number): Record<string, string | null>[] {
  const sets = items.filter((i) => i.kind === 'rows');
  const set = sets[index];
  if (!set || set.kind !== 'rows') throw new ModuleError(`postgresql_user: unexpected psql output (${items.length} results)`);
  return rowObjects(set);
}

/** password_encryption: 'on' (9.6) and 'md5' mean md5; 'scram-sha-256' from PostgreSQL 10. */
function encryptionOf(setting: string | null | undefined): Plan['encryption'] {
  return setting === 'scram-sha-256' ? 'scram-sha-256' : 'md5';
}

export default defineModule<Args, Plan>({
  name: 'postgresql_user',
  ansibleNames: ['community.postgresql.postgresql_user'],
  summary: "Set a PostgreSQL role's password and attributes without ever showing the password",
  description:
    'Reads pg_authid through psql as login_user (superuser, over the local socket) and compares the ' +
    'stored verifier with the password: md5 (md5 of password+name) or SCRAM-SHA-256 (recomputed with ' +
    'the stored salt and iteration count). role_attr_flags (LOGIN, REPLICATION, SUPERUSER, CREATEDB, ' +
    'CREATEROLE, INHERIT, BYPASSRLS, each with a NO form; a comma-separated string or a list) are ' +
    'compared with the role\'s attributes. A missing role is created (with LOGIN unless NOLOGIN is given).\n\n' +
    'apply sends ALTER ROLE (or CREATE ROLE) on stdin with a verifier computed on the controller, of ' +
    'the kind the server\'s password_encryption asks for, so neither the password nor a plaintext ' +
    'ALTER statement reaches argv or the server log.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'Role name.' },
      password: { type: 'string', minLength: 1, description: 'Password (secret): stored as a verifier, never printed.' },
      encrypted: { type: 'boolean', default: true, description: 'Store a verifier (the only form PostgreSQL 10+ supports); false is refused.' },
      role_attr_flags: {
        type: ['string', 'array'],
        items: { type: 'string' },
        description: 'Role attributes, e.g. "LOGIN,REPLICATION" or [SUPERUSER, NOCREATEDB].',
      },
      db: { type: 'string', default: 'postgres', description: 'Database psql connects to.' },
      port: { type: 'integer', default: 5432, description: 'Port of the cluster (selects the socket).' },
      login_user: { type: 'string', default: 'postgres', description: 'OS user psql runs as (a superuser role through peer authentication).' },
    },
  },
  aliases: { user: 'name', login_db: 'db' },
  secrets: ['password'],
  examples: `- name: the postgres role's password (the manual's ALTER USER postgres WITH PASSWORD)
  postgresql_user:
    name: postgres
    password: "{{ postgres_password }}"
- name: a replication role
  postgresql_user:
    name: replicator
    password: "{{ replication_password }}"
    role_attr_flags: LOGIN,REPLICATION`,

  async check(ctx, a) {
    if (!a.encrypted) throw new ModuleError('postgresql_user: encrypted: false is not supported (PostgreSQL 10+ only stores verifiers)');
    const flags = parseFlags(a.role_attr_flags);
    const secrets = a.password ? [a.password] : [];
    // Not a probe: the SQL travels on psql's stdin, which a probe has none of.
    const items = await queryPsql(ctx, target(a), probeStatements(a.name), `reading role ${a.name}`, secrets);
    const encryption = encryptionOf(rowsOf(items, 0)[0]?.enc);
    const role = rowsOf(items, 1)[0];
    if (!role) {
      const shown = flags.map((f) => f.keyword);
      if (!shown.includes('LOGIN') && !shown.includes('NOLOGIN')) shown.unshift('LOGIN');
      return {
        changed: true,
        description: `would create role ${a.name} (${shown.join(' ')}${a.password ? `, password as ${encryption} verifier` : ''})`,
        plan: { create: true, flags: shown, setPassword: a.password !== undefined, encryption },
      };
    }
    const diffs: string[] = [];
    const flagsToSet = flags.filter((f) => (role[f.column] === 't') !== f.value);
    if (flagsToSet.length) diffs.push(`attributes ${flagsToSet.map((f) => f.keyword).join(' ')}`);
    const stored = role.rolpassword ?? null;
    const passwordDiffers = a.password !== undefined && !verifierMatches(stored, a.password, a.name);
    if (passwordDiffers) {
      const kind = verifierKind(stored);
      diffs.push(kind === 'none' ? 'password (none set)' : `password (stored ${kind} verifier differs)`);
    }
    if (diffs.length === 0) {
      const what = [a.password !== undefined ? `password matches the stored ${verifierKind(stored)} verifier` : '', flags.length ? `attributes ${flags.map((f) => f.keyword).join(' ')} as wanted` : '']
        .filter(Boolean)
        .join(', ');
      return { changed: false, reason: `role ${a.name} exists${what ? `, ${what}` : ''}` };
    }
    return {
      changed: true,
      description: `would change role ${a.name}: ${diffs.join('; ')}`,
      plan: { create: false, flags: flagsToSet.map((f) => f.keyword), setPassword: passwordDiffers, encryption },
    };
  },

  async apply(ctx, a, change) {
    const plan = change.plan!;
    const secrets: string[] = [];
    const words = [...plan.flags];
    if (plan.setPassword && a.password !== undefined) {
      const verifier = plan.encryption === 'scram-sha-256' ? scramVerifier(a.password) : md5Verifier(a.password, a.name);
      secrets.push(a.password, verifier);
      words.push(`PASSWORD ${sqlLiteral(verifier)}`);
    }
    const sql = `${plan.create ? 'CREATE' : 'ALTER'} ROLE ${sqlIdent(a.name)}${words.length ? ` WITH ${words.join(' ')}` : ''}`;
    await queryPsql(ctx, target(a), [stmt(sql)], `${plan.create ? 'creating' : 'changing'} role ${a.name}`, secrets);
  },
});
