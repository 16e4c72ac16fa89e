// Runs one module task on one host: loop, when, the module step (engine/module/step.ts: check,
// then the prediction or apply and re-check), register, changed_when / failed_when, until, and
// the outcome.
import { CommandError, ConnectionError, ModuleError, TsplayError } from '../errors.js';
import type { Evaluator } from '../expressions.js';
import { stringify } from '../expressions.js';
import type { CheckResult, Connection, FileDiff, ModuleContext } from '../module-api.js';
import { checkModeOf, runStep } from '../module/step.js';
import { validateArgs } from '../module-args.js';
import type { ModuleTask } from '../playbook/model.js';
import { LocalConnection } from '../connection/local.js';
import { createModuleContext } from './module-context.js';
import { withItems } from '../playbook/with-loops.js';
import { dataLayer } from './host-vars.js';
import type { RunState } from './run-state.js';
import { type Status, tally } from '../outcome.js';

const HIDDEN = 'the output has been hidden due to "no_log: true"';

/** What one host did with one task (all loop items together). */
export interface HostTaskResult {
  status: Status;
  changed: boolean;
  /** The registered value. */
  result: Record<string, unknown>;
  notify: boolean;
}

interface ItemOutcome {
  status: Status;
  /** Text for the person running the playbook (debug). */
  output?: string;
  result: Record<string, unknown>;
  message?: string;
  diffs?: FileDiff[];
  /** The change is a check-mode prediction: apply did not run. */
  predicted: boolean;
  /** A dry run skipped it as not checkable: the reason is worth showing by default. */
  notCheckable?: boolean;
}

const controller = new LocalConnection('localhost');

export async function runTaskOnHost(run: RunState, task: ModuleTask, host: string): Promise<HostTaskResult> {
  const state = run.host(host)!;
  const base = run.scope(host, task.vars, task.defaults, taskCheckMode(run, task));
  const started = Date.now();
  let items: unknown[] | undefined;
  try {
    if (task.loop !== undefined) {
      const v = base.render(task.loop);
      if (task.loopWith) items = withItems(task.loopWith, v, task.baseDir);
      else if (!Array.isArray(v)) throw new ModuleError(`loop must be a list, got ${typeof v}`);
      else items = v;
    }
  } catch (e) {
    return report(run, task, host, started, undefined, failure(e, task, run.opts.verbosity), undefined);
  }
  if (!items) {
    let whenOk: boolean;
    try {
      whenOk = base.test(task.when);
    } catch (e) {
      return report(run, task, host, started, undefined, failure(e, task, run.opts.verbosity), base);
    }
    if (!whenOk) {
      run.opts.reporter.outcome({ host, status: 'skipped', message: 'condition is false', durationMs: Date.now() - started });
      return skipped();
    }
    const o = await executeWithRetries(run, task, host, base, task.vars);
    return report(run, task, host, started, undefined, o, base);
  }
  const results: Record<string, unknown>[] = [];
  let anyChanged = false;
  let failed: ItemOutcome | undefined;
  let unreachable = false;
  let ran = false;
  for (const [index, item] of items.entries()) {
    if (index > 0 && task.loopPause > 0) await new Promise((r) => setTimeout(r, task.loopPause * 1000));
    const n = items.length;
    const ansible_loop: Record<string, unknown> = { index: index + 1, index0: index, revindex: n - index, revindex0: n - index - 1, first: index === 0, last: index === n - 1, length: n };
    if (task.loopExtended) {
      ansible_loop.allitems = items;
      if (index > 0) ansible_loop.previtem = items[index - 1];
      if (index < n - 1) ansible_loop.nextitem = items[index + 1];
    }
    // The items are the loop's rendered value: data, never templated again.
    const layers = [...task.vars, dataLayer({ [task.loopVar]: item, ...(task.loopIndexVar ? { [task.loopIndexVar]: index } : {}), ansible_loop })];
    // As in Ansible, each item's result holds the item under the loop variable's name.
    const itemKeys = { [task.loopVar]: item, ansible_loop_var: task.loopVar, ...(task.loopIndexVar ? { [task.loopIndexVar]: index, ansible_index_var: task.loopIndexVar } : {}) };
    const ev = run.scope(host, layers, task.defaults, taskCheckMode(run, task));
    // no_log hides the items too (they may hold the secrets), shown as Ansible does: item=None.
    const label = task.noLog ? 'None' : task.loopLabel ? stringify(ev.render(task.loopLabel)) : stringify(item);
    const t0 = Date.now();
    let whenOk: boolean;
    try {
      whenOk = ev.test(task.when);
    } catch (e) {
      const r = report(run, task, host, t0, label, failure(e, task, run.opts.verbosity), ev, true);
      if (r.status === 'failed' && !failed) failed = { status: 'failed', result: r.result, message: String(r.result.msg ?? ''), predicted: false };
      results.push({ ...r.result, ...itemKeys });
      continue;
    }
    if (!whenOk) {
      run.opts.reporter.outcome({ host, status: 'skipped', item: label, message: 'condition is false', durationMs: 0 });
      results.push({ skipped: true, changed: false, ...itemKeys });
      continue;
    }
    ran = true;
    const r = report(run, task, host, t0, label, await executeWithRetries(run, task, host, ev, layers), ev, true);
    results.push({ ...r.result, ...itemKeys });
    if (r.status === 'changed') anyChanged = true;
    if (r.status === 'failed' && !failed) failed = { status: 'failed', result: r.result, message: String(r.result.msg ?? ''), predicted: false };
    if (r.status === 'unreachable') {
      unreachable = true;
      break;
    }
  }
  const result: Record<string, unknown> = { changed: anyChanged, results, msg: failed ? 'one or more items failed' : 'all items completed' };
  if (failed) result.failed = true;
  if (!ran && !failed) {
    result.skipped = true;
    return finish(run, task, host, { status: 'skipped', result, predicted: false });
  }
  const status: Status = unreachable ? 'unreachable' : failed ? 'failed' : anyChanged ? 'changed' : 'ok';
  return finish(run, task, host, { status, result, predicted: false, message: failed?.message });

  function skipped(): HostTaskResult {
    tally(state.stats, 'skipped');
    if (task.register) state.hostFacts[task.register] = { changed: false, skipped: true, skip_reason: 'Conditional result was False' };
    return { status: 'skipped', changed: false, result: { skipped: true }, notify: false };
  }
}

/**
 * In a dry run (--check), a task that fails after earlier tasks predicted changes on the host
 * most likely depends on those changes (a package not installed yet, a file not written yet):
 * it is reported as not checkable instead of failing the dry run. That holds for a task with
 * `check_mode: false` too — it runs for real, but on a host the predicted changes have not
 * reached. In a real run nothing is ever hidden this way, whatever a task's own check_mode.
 */
function dryRunView(run: RunState, host: string, o: ItemOutcome): ItemOutcome {
  const state = run.host(host)!;
  if (o.predicted) state.predictedChanges++;
  if (!run.opts.checkMode || o.status !== 'failed' || state.predictedChanges === 0) return o;
  const message = `not checkable before earlier changes are made: ${o.message ?? 'failed'}`;
  return { ...o, status: 'skipped', message, notCheckable: true, result: { ...o.result, failed: false, skipped: true, msg: message } };
}

async function executeWithRetries(run: RunState, task: ModuleTask, host: string, ev: Evaluator, layers: Record<string, unknown>[]): Promise<ItemOutcome> {
  let o = await execute(run, task, host, ev);
  if (task.until === undefined || o.predicted) return judge(run, task, host, o, layers);
  for (let attempt = 1; ; attempt++) {
    o = judge(run, task, host, o, layers);
    const withResult = run.scope(host, [...layers, dataLayer(task.register ? { [task.register]: o.result } : {})], task.defaults, taskCheckMode(run, task));
    let done = false;
    try {
      done = o.status !== 'failed' && o.status !== 'unreachable' ? withResult.test(task.until) : false;
    } catch (e) {
      return failure(e, task, run.opts.verbosity);
    }
    // A dry run does not wait for a state that only the predicted changes would bring about.
    const waitsForPrediction = run.opts.checkMode && run.host(host)!.predictedChanges > 0;
    if (done || attempt > task.retries || o.status === 'unreachable' || waitsForPrediction) {
      if (!done && o.status !== 'unreachable') return { ...o, status: 'failed', message: `gave up after ${attempt} attempts: ${o.message ?? `until (${String(task.until)}) is still false`}` };
      return o;
    }
    run.opts.log?.(`${host}: retrying (${attempt}/${task.retries}) in ${task.delay}s`);
    await new Promise((r) => setTimeout(r, task.delay * 1000));
    o = await execute(run, task, host, ev);
  }
}

/** changed_when and failed_when, evaluated with the registered name bound to this result. */
function judge(run: RunState, task: ModuleTask, host: string, o: ItemOutcome, layers: Record<string, unknown>[]): ItemOutcome {
  if (o.predicted) return predictedChange(run, task, host, o, layers);
  if (o.status === 'unreachable' || (task.changedWhen === undefined && task.failedWhen === undefined)) return o;
  const ev = run.scope(host, [...layers, dataLayer(task.register ? { [task.register]: o.result } : {})], task.defaults, taskCheckMode(run, task));
  try {
    let status = o.status;
    let message = o.message;
    if (task.changedWhen !== undefined && status !== 'failed') status = ev.test(task.changedWhen) ? 'changed' : 'ok';
    if (task.failedWhen !== undefined) {
      const failed = ev.test(task.failedWhen);
      if (failed) {
        status = 'failed';
        message = `failed_when (${stringify(task.failedWhen)}) is true${o.message ? `: ${o.message}` : ''}`;
      } else if (status === 'failed') status = o.result.changed ? 'changed' : 'ok';
    }
    const result = { ...o.result, changed: status === 'changed', failed: status === 'failed' };
    return { ...o, status, message, result };
  } catch (e) {
    return failure(e, task, run.opts.verbosity);
  }
}

/** The task's own check_mode: when set, else --check: for the step, the outcome and ansible_check_mode. */
export function taskCheckMode(run: RunState, task: ModuleTask): boolean {
  return checkModeOf(task.checkMode, run.opts.checkMode);
}

/**
 * A dry run's change under changed_when: a condition that holds without the result apply would
 * give (`changed_when: false`, a variable) decides; one that reads that result (stdout, rc)
 * cannot be known, and the prediction stays a change.
 */
function predictedChange(run: RunState, task: ModuleTask, host: string, o: ItemOutcome, layers: Record<string, unknown>[]): ItemOutcome {
  if (task.changedWhen === undefined) return o;
  const ev = run.scope(host, [...layers, dataLayer(task.register ? { [task.register]: o.result } : {})], task.defaults, taskCheckMode(run, task));
  const changed = safe(() => ev.test(task.changedWhen));
  if (changed !== false) return o;
  return { ...o, status: 'ok', predicted: false, result: { ...o.result, changed: false } };
}

export interface PreparedTask {
  module: ModuleTask['module'];
  args: Record<string, unknown>;
  ctx: ModuleContext;
  checkMode: boolean;
}

/**
 * A task made ready to run on a host: its arguments rendered and validated, its context built.
 * `conn` replaces the host's connection (the read-ahead of checks records commands with it).
 */
export async function prepareTask(run: RunState, task: ModuleTask, host: string, ev: Evaluator, conn?: Connection): Promise<PreparedTask> {
  const mod = task.module;
  const rendered = ev.render(task.args) as Record<string, unknown>;
  const { args, problems } = await validateArgs(mod, rendered);
  for (const key of mod.secrets ?? []) {
    const v = args[key];
    if (typeof v === 'string' && v && !run.opts.secrets.values.includes(v)) run.opts.secrets.values.push(v);
  }
  if (problems.length) throw new ModuleError(problems.map((p) => p.message + (p.hint ? ` (${p.hint})` : '')).join('; '));
  const delegate = task.delegateTo !== undefined ? stringify(ev.render(task.delegateTo)) : undefined;
  conn ??= mod.controllerOnly ? controller : await run.pool.get(delegate ?? host);
  const becomeOn = task.become ?? run.play?.become ?? run.opts.become ?? false;
  const vars = ev.varsObject();
  const becomePassword = run.opts.becomePassword ?? (vars.ansible_become_password as string | undefined) ?? (vars.ansible_become_pass as string | undefined);
  if (becomePassword && !run.opts.secrets.values.includes(becomePassword)) run.opts.secrets.values.push(becomePassword);
  const checkMode = taskCheckMode(run, task);
  const env = taskEnvironment(task, ev);
  const ctx: ModuleContext = createModuleContext({
    host,
    conn,
    vars,
    checkMode,
    baseDir: task.baseDir,
    become: becomeOn ? { user: stringify(ev.render(task.becomeUser ?? run.play?.becomeUser ?? run.opts.becomeUser ?? vars.ansible_become_user ?? 'root')), password: becomePassword } : undefined,
    secrets: run.opts.secrets.values,
    env,
    connectionTo: (h) => run.pool.get(h),
    reconnect: async () => {
      await run.pool.reset(delegate ?? host);
      return run.pool.get(delegate ?? host);
    },
    log: (m) => (task.noLog ? undefined : run.opts.log?.(`${host}: ${m}`)),
    evaluator: ev,
  });
  return { module: mod, args, ctx, checkMode };
}

/** The task's environment (play < blocks < task), each layer templated for the host. */
function taskEnvironment(task: ModuleTask, ev: Evaluator): Record<string, string> {
  const env: Record<string, string> = {};
  for (const layer of task.environment) {
    const v = ev.render(layer);
    if (v === null || v === undefined) continue;
    if (typeof v !== 'object' || Array.isArray(v)) throw new ModuleError(`environment must be a mapping, got ${Array.isArray(v) ? 'a list' : typeof v}`);
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new ModuleError(`environment: '${k}' is not a valid variable name`);
      // Ansible's spelling of booleans in an environment (Python's str()).
      env[k] = typeof x === 'boolean' ? (x ? 'True' : 'False') : x === null || x === undefined ? '' : stringify(x);
    }
  }
  return env;
}

async function execute(run: RunState, task: ModuleTask, host: string, ev: Evaluator): Promise<ItemOutcome> {
  const mod = task.module;
  try {
    const { args, ctx } = await prepareTask(run, task, host, ev);
    const step = await runStep(mod, args, ctx);
    if (step.outcome === 'unchanged') return noChange(run, host, step.check);
    const { check, message } = step;
    if (step.outcome === 'predicted') {
      return { status: 'changed', message, diffs: check.diffs, result: { msg: message, ...check.result, changed: true }, predicted: true };
    }
    if (step.applied.facts) Object.assign(run.host(host)!.hostFacts, step.applied.facts);
    return { status: 'changed', message, diffs: check.diffs, result: { msg: message, ...check.result, ...step.applied.result, changed: true }, predicted: false };
  } catch (e) {
    return failure(e, task, run.opts.verbosity);
  }
}

function noChange(run: RunState, host: string, check: CheckResult & { changed: false }): ItemOutcome {
  if (check.facts) Object.assign(run.host(host)!.hostFacts, check.facts);
  if (check.vars) Object.assign(run.host(host)!.includedVars, check.vars);
  return { status: 'ok', message: check.reason, output: check.output, result: { msg: check.reason, ...check.result, changed: false }, predicted: false };
}

function where(task: ModuleTask): string {
  return `in task '${task.name ?? task.module.name}' at ${task.loc.file}:${task.loc.line}`;
}

function failure(e: unknown, task: ModuleTask, verbosity: number): ItemOutcome {
  if (e instanceof ConnectionError) return { status: 'unreachable', message: e.reason, result: { unreachable: true, msg: e.message }, predicted: false };
  if (e instanceof ModuleError) return { status: 'failed', message: e.message, result: { ...e.result, failed: true, msg: e.message }, predicted: false };
  if (e instanceof CommandError) {
    // The script behind a failed command only at -vvv: the error is what a reader needs.
    const message = verbosity >= 3 ? `${e.message}\n  the command was:\n${e.command}` : e.message;
    return { status: 'failed', message, result: { failed: true, msg: message }, predicted: false };
  }
  if (e instanceof TsplayError) {
    const message = e.name === 'BecomeError' ? e.message : `${e.message} ${where(task)}`;
    return { status: 'failed', message, result: { failed: true, msg: message }, predicted: false };
  }
  throw e;
}

function report(
  run: RunState,
  task: ModuleTask,
  host: string,
  started: number,
  item: string | undefined,
  o: ItemOutcome,
  ev: Evaluator | undefined,
  itemOnly = false,
): HostTaskResult {
  o = dryRunView(run, host, o);
  const hidden = task.noLog;
  const ignored = o.status === 'failed' && task.ignoreErrors === true;
  const delegatedTo = task.delegateTo !== undefined && ev ? safe(() => stringify(ev.render(task.delegateTo))) : undefined;
  const output = hidden ? undefined : o.output;
  run.opts.reporter.outcome({
    host,
    status: o.status,
    delegatedTo,
    item,
    message: hidden ? HIDDEN : o.message,
    output,
    diffs: hidden ? undefined : o.diffs,
    durationMs: Date.now() - started,
    ignored,
    reasonShown: o.notCheckable,
  });
  if (itemOnly) return { status: o.status, changed: o.status === 'changed', result: o.result, notify: false };
  return finish(run, task, host, o);
}

/** Records the task's result for a host: stats, register, failure state. */
function finish(run: RunState, task: ModuleTask, host: string, o: ItemOutcome): HostTaskResult {
  const state = run.host(host)!;
  if (task.register) state.hostFacts[task.register] = o.result;
  const status: Status = o.status === 'failed' && task.ignoreErrors ? 'ignored' : o.status;
  tally(state.stats, status);
  return { status, changed: o.status === 'changed', result: o.result, notify: o.status === 'changed' };
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
