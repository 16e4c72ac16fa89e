// The module step, the one place that runs a module's contract: check (which only reads); then
// in check mode the prediction, else apply with the plan and, unless the change is a `run`, the
// re-check that proves the change took. The runner, the read-ahead of checks and every test
// helper run modules through here, so they cannot drift apart. Check mode is decided here too.
import { ModuleRaisedError, NotConvergedError, TsplayError } from '../errors.js';
import type { ApplyResult, Change, ChangeKind, CheckResult, ModuleContext, ModuleDefinition, NoChange, ProbeSet } from '../module-api.js';
import { readProbes } from './probe.js';

/** Check mode for one task: its own `check_mode:` when set, else the run's --check. */
export function checkModeOf(task: boolean | undefined, run: boolean): boolean {
  return task ?? run;
}

export const kindOf = (c: Change): ChangeKind => c.kind ?? 'modify';

export type StepResult =
  | { outcome: 'unchanged'; check: NoChange }
  /** Check mode: the change apply would make, not made. */
  | { outcome: 'predicted'; check: Change; message: string }
  /** `verified`: the re-check's no-change (absent for a `run`). */
  | { outcome: 'changed'; check: Change; applied: ApplyResult; message: string; verified?: NoChange };

export interface StepOptions {
  /** Other contexts for apply and the re-check (test fakes that model the host before and after). */
  apply?: ModuleContext;
  verify?: ModuleContext;
  /** Sees the first check's result before apply runs (a test that expects apply to fail). */
  onCheck?: (check: CheckResult) => void;
}

/**
 * The check alone; what the read-ahead of checks runs. An exception that is not a TsplayError
 * becomes a ModuleRaisedError: it fails the task, not the run.
 */
export function checkOnly<A>(mod: ModuleDefinition<A>, ctx: ModuleContext, args: A): Promise<CheckResult> {
  return guarded(mod, 'check', async () => {
    const set = probesOf(mod, args);
    const probed = set ? await readProbes(ctx, set) : {};
    return mod.check(ctx, args, probed);
  });
}

/**
 * The probes a module's check declares for these arguments (none: it reads for itself). The
 * read-ahead of checks (engine/runner/prefetch-checks.ts) sends these for several tasks at once.
 */
export function probesOf<A>(mod: ModuleDefinition<A>, args: A): ProbeSet | undefined {
  const set = mod.probes?.(args);
  return set && Object.keys(set).length ? set : undefined;
}

/** One module task on one host; `ctx.checkMode` says whether apply may run. */
export async function runStep<A>(mod: ModuleDefinition<A>, args: A, ctx: ModuleContext, other: StepOptions = {}): Promise<StepResult> {
  const check = await checkOnly(mod, ctx, args);
  other.onCheck?.(check);
  if (!check.changed) return { outcome: 'unchanged', check };
  // An action is worded as an order ("run: ls", "restart cluster 15/main"): a dry run says it would.
  const run = kindOf(check) === 'run';
  if (ctx.checkMode) return { outcome: 'predicted', check, message: run ? `would ${check.description}` : check.description };
  const applied = (await guarded(mod, 'apply', () => mod.apply(other.apply ?? ctx, args, check))) ?? {};
  if (run) return { outcome: 'changed', check, applied, message: check.description };
  const again = await checkOnly(mod, other.verify ?? ctx, args);
  if (again.changed) throw new NotConvergedError(`${mod.name} did not converge: ${notConverged(mod, args, check, again)}`, { ...check.result, ...applied.result });
  return { outcome: 'changed', check, applied, message: check.description, verified: again };
}

function notConverged<A>(mod: ModuleDefinition<A>, args: A, change: Change, again: Change): string {
  const own = mod.notConverged?.(args, change, again);
  if (own) return own;
  const did = { create: 'created', modify: 'made the change', remove: 'removed', run: 'ran' }[kindOf(change)];
  return `it ${did} (${change.description}), yet the check right after still reports: ${again.description}`;
}

async function guarded<T>(mod: ModuleDefinition<any>, phase: 'check' | 'apply', f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof TsplayError) throw e;
    throw new ModuleRaisedError(mod.name, phase, e);
  }
}
