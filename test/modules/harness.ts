// One generic harness for module fixture cases: check against the host's state before,
// apply, then check again against the state after, which must report no change.
import type { Change, CheckResult, ModuleContext, ModuleDefinition } from '../../engine/module-api.js';
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
  };
}

export interface CaseFile {
  module: ModuleDefinition;
  cases: ModuleCase[];
}

export function fakeContext(conn: FakeConnection, vars: Record<string, unknown> = {}, checkMode = false): ModuleContext {
  return createModuleContext({
    host: conn.host,
    conn,
    vars,
    checkMode,
    baseDir: process.cwd(),
    secrets: [],
    connectionTo: async (h) => new FakeConnection(h, []),
    log: () => undefined,
    evaluate: (expr) => new Function(...Object.keys(vars), `return (${expr});`)(...Object.values(vars)),
  });
}

export interface CaseRun {
  first: CheckResult;
  second?: CheckResult;
  checkConn: FakeConnection;
  applyConn?: FakeConnection;
}

export async function runCase(mod: ModuleDefinition, c: ModuleCase): Promise<CaseRun> {
  const { args, problems } = await validateArgs(mod, c.args);
  if (problems.length) throw new Error(`invalid args: ${problems.map((p) => p.message).join('; ')}`);
  const checkConn = new FakeConnection('h1', c.before);
  const first = await mod.check(fakeContext(checkConn, c.vars), args);
  if (!first.changed) return { first, checkConn };
  const applyConn = new FakeConnection('h1', c.before);
  await mod.apply(fakeContext(applyConn, c.vars), args, first as Change);
  if (!c.after) return { first, checkConn, applyConn };
  const second = await mod.check(fakeContext(new FakeConnection('h1', c.after), c.vars), args);
  return { first, second, checkConn, applyConn };
}
