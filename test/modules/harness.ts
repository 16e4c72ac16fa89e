// One generic harness for module fixture cases: check against the host's state before,
// apply, then check again against the state after, which must report no change.
import type { CheckResult, ModuleContext, ModuleDefinition } from '../../engine/module-api.js';
import { runStep } from '../../engine/module/step.js';
import { validateArgs } from '../../engine/module-args.js';
import { createModuleContext } from '../../engine/runner/module-context.js';
import { FakeConnection, type Reply } from '../support/fake-connection.js';

export interface ModuleCase {
  name: string;
  args: Record<string, unknown>;
  vars?: Record<string, unknown>;
  /** The host before the run: replies to the check's probes (and to apply's commands). */
  before: Reply[];
  /** The host after apply; required when a change is expected. */
  after?: Reply[];
  /** Replies of other hosts, by inventory name, for modules that use ctx.connectionTo. */
  peers?: Record<string, Reply[]>;
  expect: {
    changed: boolean;
    /** Matched against the change's description or the no-change reason. */
    message?: RegExp;
    /** Remote commands apply must send (each pattern matched by some command). */
    applies?: RegExp[];
    /** Text that must never appear in any command, stdin or message (secrets). */
    never?: string[];
    /** Maximum round trips of one check (default 1). */
    checkRoundTrips?: number;
    /** The case fails (in check or apply) with an error whose message matches. */
    error?: RegExp;
  };
}

export interface CaseFile {
  module: ModuleDefinition;
  cases: ModuleCase[];
}

export function fakeContext(
  conn: FakeConnection,
  vars: Record<string, unknown> = {},
  checkMode = false,
  peers: Record<string, Reply[]> = {},
  opened: FakeConnection[] = [],
): ModuleContext {
  return createModuleContext({
    host: conn.host,
    conn,
    vars,
    checkMode,
    baseDir: process.cwd(),
    secrets: [],
    connectionTo: async (h) => {
      const peer = new FakeConnection(h, peers[h] ?? []);
      opened.push(peer);
      return peer;
    },
    log: () => undefined,
  });
}

export interface CaseRun {
  /** Undefined when check failed (see error). */
  first?: CheckResult;
  second?: CheckResult;
  checkConn: FakeConnection;
  applyConn?: FakeConnection;
  /** Connections to other hosts that check or apply opened. */
  peerConns: FakeConnection[];
  /** The failure of check or apply, kept when the case expects one. */
  error?: Error;
}

/**
 * The module step (engine/module/step.ts) with the host as `before` for check and apply and as
 * `after` for the re-check (a `run` is not re-checked).
 */
export async function runCase(mod: ModuleDefinition, c: ModuleCase): Promise<CaseRun> {
  const { args, problems } = await validateArgs(mod, c.args);
  if (problems.length) throw new Error(`invalid args: ${problems.map((p) => p.message).join('; ')}`);
  const run: CaseRun = { checkConn: new FakeConnection('h1', c.before), peerConns: [] };
  run.applyConn = new FakeConnection('h1', c.before);
  try {
    const step = await runStep(mod, args, fakeContext(run.checkConn, c.vars, false, c.peers, run.peerConns), {
      apply: fakeContext(run.applyConn, c.vars, false, c.peers, run.peerConns),
      verify: fakeContext(new FakeConnection('h1', c.after ?? c.before), c.vars),
      onCheck: (first) => (run.first = first),
    });
    if (step.outcome === 'unchanged') run.applyConn = undefined;
    if (step.outcome === 'changed') run.second = step.verified;
  } catch (e) {
    if (!c.expect.error) throw e;
    run.error = e as Error;
  }
  return run;
}
