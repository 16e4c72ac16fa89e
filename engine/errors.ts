// A small error hierarchy. The CLI's one top-level catch maps each class to an exit code
// (see `exitCodeOf` and the README's table).

export class TsplayError extends Error {
  override name = 'TsplayError';
}

/** Bad command-line options or arguments. */
export class UsageError extends TsplayError {
  override name = 'UsageError';
}

/** Input that cannot be read, with no position to point at (a vault that does not open). */
export class InputError extends TsplayError {
  override name = 'InputError';
}

/** The inventory and --limit leave no host to run on (ansible-playbook exits 1 here too). */
export class NoHostsError extends TsplayError {
  override name = 'NoHostsError';
}

/** One problem found while loading a playbook or inventory, pointing at the YAML. */
export interface SourceProblem {
  file: string;
  line: number;
  col: number;
  message: string;
  hint?: string;
  /** The offending line of the file, for the caret display. */
  sourceLine?: string;
}

/** Invalid playbook, tasks file, vars file or inventory: every problem found, at once. */
export class ValidationError extends TsplayError {
  override name = 'ValidationError';
  constructor(readonly problems: SourceProblem[]) {
    super(formatProblems(problems));
  }
}

/** The most problems printed at once: a broken generated playbook can have thousands. */
export const MAX_PROBLEMS_SHOWN = 50;

export function formatProblems(problems: readonly SourceProblem[]): string {
  const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).map(formatProblem).join('\n\n');
  const more = problems.length - MAX_PROBLEMS_SHOWN;
  return more > 0 ? `${shown}\n\n… and ${more} more problem${more > 1 ? 's' : ''} (not shown; fix these first)` : shown;
}

export function formatProblem(p: SourceProblem): string {
  let out = `${p.file}:${p.line}:${p.col}: ${p.message}`;
  if (p.sourceLine !== undefined) {
    const gutter = `${p.line} | `;
    out += `\n  ${gutter}${p.sourceLine}\n  ${' '.repeat(gutter.length + Math.max(0, p.col - 1))}^`;
  }
  if (p.hint) out += `\n  hint: ${p.hint}`;
  return out;
}

/** A host could not be reached or logged into. */
export class ConnectionError extends TsplayError {
  override name = 'ConnectionError';
  constructor(readonly host: string, readonly reason: string) {
    super(`${host}: unreachable: ${reason}`);
  }
}

/** A remote command exited non-zero where success was required. */
export class CommandError extends TsplayError {
  override name = 'CommandError';
  constructor(
    readonly host: string,
    readonly command: string,
    readonly code: number,
    readonly stderr: string,
    readonly stdout = '',
    /** What the command was for ("writing /etc/x"), said instead of the command itself. */
    readonly purpose?: string,
  ) {
    const err = stderr.trim() || stdout.trim();
    // A script is shown only at -vvv (the runner adds it): its error is what matters.
    const what = purpose
      ? `${purpose} failed (exit code ${code})`
      : command.includes('\n') || command.length > 200
        ? `a ${command.split('\n').length}-line remote script failed with exit code ${code} (-vvv shows it)`
        : `command failed with exit code ${code}: ${command}`;
    super(`${host}: ${what}${err ? `\n${err}` : ''}`);
  }
}

/** sudo refused the become password. */
export class BecomeError extends TsplayError {
  override name = 'BecomeError';
}

/** A module refused or failed; the message says what and where. */
export class ModuleError extends TsplayError {
  override name = 'ModuleError';
  constructor(message: string, readonly result: Record<string, unknown> = {}) {
    super(message);
  }
}

/** A change was applied but the re-check still finds the state different: the module says why. */
export class NotConvergedError extends ModuleError {
  override name = 'NotConvergedError';
}

/**
 * A module threw something that is not a TsplayError (a bug in a custom module, a TypeError): it
 * fails that task only, saying which module raised what.
 */
export class ModuleRaisedError extends ModuleError {
  override name = 'ModuleRaisedError';
  constructor(readonly module: string, readonly phase: 'check' | 'apply', readonly raised: unknown) {
    super(`module '${module}' raised ${describeThrown(raised)} in ${phase}`);
  }
}

function describeThrown(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return `${typeof e} ${JSON.stringify(e) ?? String(e)}`;
}

/** Exit codes, modelled on ansible-playbook's. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  /** As ansible-playbook: --limit matches no host of the inventory. */
  noHosts: 1,
  hostFailed: 2,
  invalidInput: 3,
  unreachable: 4,
  badOptions: 5,
  /** Stopped by SIGINT (Ctrl-C) / SIGTERM, after the running tasks finished: 128 + the signal. */
  sigint: 130,
  sigterm: 143,
} as const;

export function exitCodeOf(err: unknown): number {
  if (err instanceof ValidationError || err instanceof InputError) return ExitCode.invalidInput;
  if (err instanceof UsageError) return ExitCode.badOptions;
  if (err instanceof ConnectionError) return ExitCode.unreachable;
  if (err instanceof NoHostsError) return ExitCode.noHosts;
  if (err instanceof TsplayError) return ExitCode.hostFailed;
  return ExitCode.internal;
}

const MASK = '********';
const formsCache = new Map<string, string[]>();

/** The shortest line of a multi-line secret that is masked on its own (a diff prints lines). */
const MIN_SECRET_LINE = 8;

/**
 * Every form a secret takes when printed: as written; JSON (and YAML double-quoted) escaped,
 * also with non-ASCII as \uXXXX (Python's json.dumps); YAML single-quoted; Python repr; shell
 * single-quoted ('\'' and '"'"') and double-quoted; URL- and form-encoded (either hex case,
 * and Python's quote that keeps '/'); and each long line of a multi-line secret. Longest first,
 * so that no form is left half-masked by a shorter one.
 */
export function secretForms(secret: string): string[] {
  let forms = formsCache.get(secret);
  if (forms) return forms;
  const json = JSON.stringify(secret).slice(1, -1);
  const pyBody = secret.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  const url = encodeURIComponent(secret).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const urlForms = [encodeURIComponent(secret), url, url.replace(/%2F/g, '/')].flatMap((u) => [u, u.replace(/%20/g, '+')]);
  const all = [
    secret,
    json,
    json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    secret.replace(/'/g, "''"),
    pyBody,
    pyBody.replace(/'/g, "\\'"),
    secret.replace(/'/g, `'\\''`),
    secret.replace(/'/g, `'"'"'`),
    secret.replace(/["\\$`]/g, '\\$&'),
    ...urlForms,
    ...urlForms.map((u) => u.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())),
    ...(secret.includes('\n') ? secret.split(/\r?\n/).filter((l) => l.trim().length >= MIN_SECRET_LINE) : []),
  ];
  forms = [...new Set(all)].filter(Boolean).sort((a, b) => b.length - a.length);
  formsCache.set(secret, forms);
  return forms;
}

/** Replaces every secret value, in each of its printed forms, with a mask. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    for (const f of secretForms(s)) if (out.includes(f)) out = out.split(f).join(MASK);
  }
  return out;
}
