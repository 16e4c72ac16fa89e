// Runs a module for real on this machine through LocalConnection, the way the runner does:
// validate the arguments, check, apply when there is a change (not in check mode), check again.
import type { ApplyResult, Change, CheckResult, ModuleContext, ModuleDefinition } from '../../../engine/module-api.js';
import { validateArgs } from '../../../engine/module-args.js';
import { LocalConnection } from '../../../engine/connection/local.js';
import { createModuleContext } from '../../../engine/runner/module-context.js';

export interface LocalRun {
  first: CheckResult;
  applied?: ApplyResult | void;
  /** The check after apply (undefined in check mode or when nothing changed). */
  second?: CheckResult;
  /** Round trips of the first check. */
  checkRoundTrips: number;
}

export interface LocalOptions {
  checkMode?: boolean;
  vars?: Record<string, unknown>;
  baseDir?: string;
}

export function localContext(conn: LocalConnection, o: LocalOptions = {}): ModuleContext {
  const vars = o.vars ?? {};
  return createModuleContext({
    host: conn.host,
    conn,
    vars,
    checkMode: o.checkMode ?? false,
    baseDir: o.baseDir ?? process.cwd(),
    secrets: [],
    connectionTo: async (h) => new LocalConnection(h),
    log: () => undefined,
    evaluate: (expr) => new Function(...Object.keys(vars), `return (${expr});`)(...Object.values(vars)),
  });
}

export async function runLocal(mod: ModuleDefinition, rawArgs: Record<string, unknown>, o: LocalOptions = {}): Promise<LocalRun> {
  const { args, problems } = await validateArgs(mod, rawArgs);
  if (problems.length) throw new Error(`invalid args: ${problems.map((p) => p.message).join('; ')}`);
  const conn = new LocalConnection('local');
  const ctx = localContext(conn, o);
  const first = await mod.check(ctx, args);
  const checkRoundTrips = conn.roundTrips;
  if (!first.changed || o.checkMode) return { first, checkRoundTrips };
  const applied = await mod.apply(ctx, args, first as Change);
  const second = await mod.check(ctx, args);
  return { first, applied, second, checkRoundTrips };
}
