// Local real runs that also record every command sent (and its stdin), so that tests can prove
// what never reaches argv.
import type { Change, CheckResult, ExecOptions, ExecResult, ModuleDefinition } from '../../../engine/module-api.js';
import { validateArgs } from '../../../engine/module-args.js';
import { LocalConnection } from '../../../engine/connection/local.js';
import { localContext, type LocalOptions } from './local-run.js';

export class RecordingLocal extends LocalConnection {
  readonly sent: { command: string; stdin?: string }[] = [];
  override exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    this.sent.push({ command, stdin: opts.stdin === undefined ? undefined : String(opts.stdin) });
    return super.exec(command, opts);
  }
}

export interface RecordedRun {
  first: CheckResult;
  result?: Record<string, unknown>;
  second?: CheckResult;
  conn: RecordingLocal;
  checkRoundTrips: number;
}

/** validate → check → apply (when changed) → check again, on this machine. */
export async function runRecorded(mod: ModuleDefinition, rawArgs: Record<string, unknown>, o: LocalOptions = {}): Promise<RecordedRun> {
  const { args, problems } = await validateArgs(mod, rawArgs);
  if (problems.length) throw new Error(`invalid args: ${problems.map((p) => p.message).join('; ')}`);
  const conn = new RecordingLocal('local');
  const ctx = localContext(conn, o);
  const first = await mod.check(ctx, args);
  const checkRoundTrips = conn.roundTrips;
  if (!first.changed || o.checkMode) return { first, conn, checkRoundTrips, result: first.changed ? undefined : first.result };
  const applied = await mod.apply(ctx, args, first as Change);
  const second = first.verify === false ? undefined : await mod.check(ctx, args);
  return { first, result: applied?.result, second, conn, checkRoundTrips };
}
