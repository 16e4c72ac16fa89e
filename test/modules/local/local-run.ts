// Runs a module for real on this machine through LocalConnection, the way the runner does:
// validate the arguments, then the module step (engine/module/step.ts).
import type { ApplyResult, CheckResult, ModuleContext, ModuleDefinition } from '../../../engine/module-api.js';
import { runStep } from '../../../engine/module/step.js';
import { validateArgs } from '../../../engine/module-args.js';
import { LocalConnection } from '../../../engine/connection/local.js';
import { createModuleContext } from '../../../engine/runner/module-context.js';

export interface LocalRun {
  first: CheckResult;
  applied?: ApplyResult | void;
  /** The check after apply (undefined in check mode, when nothing changed, or for a `run`). */
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
    reconnect: async () => new LocalConnection(conn.host),
    log: () => undefined,
  });
}

export async function runLocal(mod: ModuleDefinition, rawArgs: Record<string, unknown>, o: LocalOptions = {}): Promise<LocalRun> {
  const { args, problems } = await validateArgs(mod, rawArgs);
  if (problems.length) throw new Error(`invalid args: ${problems.map((p) => p.message).join('; ')}`);
  const conn = new LocalConnection('local');
  let checkRoundTrips = 0;
  const step = await runStep(mod, args, localContext(conn, o), { onCheck: () => (checkRoundTrips = conn.roundTrips) });
  if (step.outcome !== 'changed') return { first: step.check, checkRoundTrips };
  return { first: step.check, applied: step.applied, second: step.verified, checkRoundTrips };
}
