// The ModuleContext a module sees: one host's connection with become applied, atomic file
// writes, and errors that name the host and redact secrets.
import { BecomeError, CommandError, ModuleError } from '../errors.js';
import { redact } from '../errors.js';
import type { Connection, ExecOptions, ExecResult, HostCommands, ModuleContext, WriteFileOptions } from '../module-api.js';
import { type BecomeSettings, SUDO_REFUSED, wrapBecome } from '../connection/become.js';
import { atomicWriteScript } from './atomic-write.js';
import { quote } from '../shell.js';
import { Evaluator } from '../expressions.js';
import { LayeredVars } from './host-vars.js';

/** What `run` keeps of a probe's output before it gives up (a remote file read whole, say). */
const PROBE_OUTPUT_LIMIT = 256 * 1024 * 1024;

export interface ContextSettings {
  host: string;
  conn: Connection;
  vars: Record<string, unknown>;
  checkMode: boolean;
  baseDir: string;
  /** Set when the task runs with become. */
  become?: BecomeSettings;
  secrets: string[];
  /** The task's `environment`: exported for every command the module runs (inside become). */
  env?: Record<string, string>;
  connectionTo(host: string): Promise<Connection>;
  /** A new connection to this host, the old one closed (see ModuleContext.reconnect). */
  reconnect?(): Promise<Connection>;
  log(message: string): void;
  /** Expressions and templates over the task's variables; by default, a Jinja2 evaluator over `vars`. */
  evaluator?: Pick<Evaluator, 'evaluate' | 'renderTemplate'>;
}

/** exec and run on one host's connection, with the task's become, environment and the run's secrets. */
function hostCommands(host: string, conn: Connection, s: ContextSettings): HostCommands & { run(command: string, opts?: ExecOptions, purpose?: string): Promise<string> } {
  const envPrefix = Object.entries(s.env ?? {})
    .map(([k, v]) => `export ${k}=${quote(v)}; `)
    .join('');
  const exec = async (given: string, opts: ExecOptions = {}): Promise<ExecResult> => {
    // Values travel in the script, quoted for the shell, never in argv or a log line unredacted.
    const command = envPrefix + given;
    const become = opts.become === false ? undefined : opts.becomeUser ? { user: opts.becomeUser, password: s.become?.password } : s.become;
    if (!become) return conn.exec(command, opts);
    let r: ExecResult;
    if (conn.execAs) r = await conn.execAs(become, command, opts);
    else {
      const w = wrapBecome(command, become);
      const stdin = opts.stdin === undefined ? w.stdinPrefix : Buffer.concat([Buffer.from(w.stdinPrefix), Buffer.from(opts.stdin)]);
      r = await conn.exec(w.command, { ...opts, stdin });
    }
    // sudo's own words for a refused password (it then exits 1 before the command ran).
    if (become.password !== undefined && r.code !== 0 && SUDO_REFUSED.test(r.stderr)) {
      throw new BecomeError(`incorrect sudo password for ${conn.user ?? 'the login user'} on ${host} (to become ${become.user})`);
    }
    return r;
  };
  const run = async (command: string, opts: ExecOptions = {}, purpose?: string): Promise<string> => {
    const limit = opts.maxOutput ?? PROBE_OUTPUT_LIMIT;
    const r = await exec(command, { ...opts, maxOutput: limit });
    // A module parses this output: a cut one would be misread.
    if (r.cut?.stdout) throw new ModuleError(`${host}: the output of a probe was larger than ${limit} bytes (${r.cut.stdout + limit})`);
    if (r.code !== 0) {
      const secrets = [...s.secrets, ...(opts.secrets ?? [])];
      throw new CommandError(host, redact(command, secrets), r.code, redact(r.stderr, secrets), redact(r.stdout, secrets), purpose);
    }
    return r.stdout;
  };
  return { host, exec, run };
}

export function createModuleContext(s: ContextSettings): ModuleContext {
  const { exec, run } = hostCommands(s.host, s.conn, s);
  const evaluator = s.evaluator ?? new Evaluator(new LayeredVars([s.vars]));
  return {
    host: s.host,
    vars: s.vars,
    checkMode: s.checkMode,
    baseDir: s.baseDir,
    exec,
    run,
    async writeFile(path: string, content: string | Buffer, opts: WriteFileOptions = {}) {
      const out = await run(atomicWriteScript(path, opts, Buffer.from(content)), { stdin: content }, `writing ${path}`);
      const backup = /^backup=(.+)$/m.exec(out)?.[1];
      return backup ? { backup } : {};
    },
    connectionTo: async (h) => hostCommands(h, await s.connectionTo(h), s),
    ...(s.reconnect ? { reconnect: async () => hostCommands(s.host, await s.reconnect!(), s) } : {}),
    log: s.log,
    evaluate: (e) => evaluator.evaluate(e),
    renderTemplate: (text, path) => evaluator.renderTemplate(text, path),
  };
}
