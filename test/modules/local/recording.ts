// Local real runs that also record every command sent (and its stdin), so that tests can prove
// what never reaches argv.
import type { CheckResult, ExecOptions, ExecResult, ModuleDefinition } from '../../../engine/module-api.js';
import { runStep } from '../../../engine/module/step.js';
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

/** validate, then the module step, on this machine. */
export async function runRecorded(mod: ModuleDefinition, rawArgs: Record<string, unknown>, o: LocalOptions = {}): Promise<RecordedRun> {
  const { args, problems } = await validateArgs(mod, rawArgs);
  if (problems.length) throw new Error(`invalid args: ${problems.map((p) => p.message).join('; ')}`);
  const conn = new RecordingLocal('local');
  let checkRoundTrips = 0;
  const step = await runStep(mod, args, localContext(conn, o), { onCheck: () => (checkRoundTrips = conn.roundTrips) });
  if (step.outcome === 'unchanged') return { first: step.check, conn, checkRoundTrips, result: step.check.result };
  if (step.outcome === 'predicted') return { first: step.check, conn, checkRoundTrips };
  return { first: step.check, result: step.applied.result, second: step.verified, conn, checkRoundTrips };
}
