// The ModuleContext a module sees: one host's connection with become applied, atomic file
// writes, and errors that name the host and redact secrets.
import { CommandError } from '../errors.js';
import { redact } from '../errors.js';
import type { Connection, ExecOptions, ExecResult, ModuleContext, WriteFileOptions } from '../module-api.js';
import { type BecomeSettings, wrapBecome } from '../connection/become.js';
import { quote } from '../shell.js';

export interface ContextSettings {
  host: string;
  conn: Connection;
  vars: Record<string, unknown>;
  checkMode: boolean;
  baseDir: string;
  /** Set when the task runs with become. */
  become?: BecomeSettings;
  secrets: string[];
  connectionTo(host: string): Promise<Connection>;
  log(message: string): void;
  evaluate(expression: string): unknown;
}

export function createModuleContext(s: ContextSettings): ModuleContext {
  const exec = (command: string, opts: ExecOptions = {}): Promise<ExecResult> => {
    const become = opts.become === false ? undefined : opts.becomeUser ? { user: opts.becomeUser, password: s.become?.password } : s.become;
    if (!become) return s.conn.exec(command, opts);
    const w = wrapBecome(command, become);
    const stdin = opts.stdin === undefined ? w.stdinPrefix : Buffer.concat([Buffer.from(w.stdinPrefix), Buffer.from(opts.stdin)]);
    return s.conn.exec(w.command, { ...opts, stdin });
  };
  const run = async (command: string, opts: ExecOptions = {}): Promise<string> => {
    const r = await exec(command, opts);
    if (r.code !== 0) {
      const secrets = [...s.secrets, ...(opts.secrets ?? [])];
      throw new CommandError(s.host, redact(command, secrets), r.code, redact(r.stderr, secrets), redact(r.stdout, secrets));
    }
    return r.stdout;
  };
  return {
    host: s.host,
    vars: s.vars,
    checkMode: s.checkMode,
    baseDir: s.baseDir,
    exec,
    run,
    async writeFile(path: string, content: string | Buffer, opts: WriteFileOptions = {}) {
      const out = await run(atomicWriteScript(path, opts), { stdin: content });
      const backup = /^backup=(.+)$/m.exec(out)?.[1];
      return backup ? { backup } : {};
    },
    connectionTo: s.connectionTo,
    log: s.log,
    evaluate: s.evaluate,
  };
}

/**
 * One remote script that writes stdin to a temp file beside the target, gives it the target's
 * owner and mode (or the requested ones), validates it, optionally keeps a backup, and renames
 * it over the target.
 */
export function atomicWriteScript(path: string, opts: WriteFileOptions): string {
  const p = quote(path);
  const lines = [
    'set -e',
    `p=${p}`,
    // Write through a symlink to its target, as editors and Ansible do.
    'if [ -L "$p" ]; then p=$(readlink -f -- "$p"); fi',
    't=$(mktemp "$(dirname -- "$p")/.tsplay.XXXXXX")',
    `trap 'rm -f -- "$t"' EXIT`,
    'cat > "$t"',
    'if [ -e "$p" ]; then chown --reference="$p" -- "$t" 2>/dev/null || true; chmod --reference="$p" -- "$t"; else chmod 0644 -- "$t"; fi',
  ];
  if (opts.owner) lines.push(`chown -- ${quote(opts.owner)} "$t"`);
  if (opts.group) lines.push(`chgrp -- ${quote(opts.group)} "$t"`);
  if (opts.mode) lines.push(`chmod -- ${quote(opts.mode)} "$t"`);
  if (opts.validate) {
    const v = opts.validate.includes('%s') ? opts.validate.split('%s').join('"$t"') : `${opts.validate} "$t"`;
    lines.push(`if ! ( ${v} ) >&2; then echo "validation failed: ${opts.validate.replace(/["$`\\]/g, '\\$&')}" >&2; exit 1; fi`);
  }
  if (opts.backup) {
    lines.push('if [ -e "$p" ]; then b="$p.$(date +%Y-%m-%d@%H:%M:%S).$$~"; cp -p -- "$p" "$b"; echo "backup=$b"; fi');
  }
  lines.push('mv -f -- "$t" "$p"', 'trap - EXIT');
  return lines.join('\n');
}
