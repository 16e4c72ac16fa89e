// Runs a playbook in this process through runCommand (what `tsplay run` does), capturing the
// output and the summary; plus `record`, a test module that keeps the arguments it was given
// so a test can see exactly which values (and types) the runner templated.
import { join } from 'node:path';
import { runCommand, type RunFlags, type RunHooks } from '../../cli/run-command.js';
import { defineModule, type ModuleDefinition } from '../../engine/module-api.js';
import { Registry } from '../../engine/module-registry.js';
import type { RunSummary } from '../../engine/runner/play-runner.js';
import { bundledFacts, bundledModules } from '../../modules/index.js';

export interface Recorded {
  host: string;
  args: Record<string, unknown>;
}

/** `record: {any: args}` — no change, remembers its (templated) args per host; `changed: true` reports a change. */
export function recordModule(into: Recorded[]) {
  return defineModule<Record<string, unknown>>({
    name: 'record',
    summary: 'test module: records its arguments',
    schema: { type: 'object', additionalProperties: true },
    controllerOnly: true,
    async check(ctx, args) {
      into.push({ host: ctx.host, args });
      if (args.changed === true) return { changed: true, description: 'recorded', kind: "run" };
      return { changed: false, reason: 'recorded' };
    },
    async apply() {},
  });
}

export interface InProcessRun {
  code: number;
  out: string;
  summary?: RunSummary;
  /** What `record` tasks saw, in order. */
  records: Recorded[];
}

/** Runs PLAYBOOK (relative to dir) with dir/inventory.yml unless flags name another inventory. */
export async function runInProcess(
  dir: string,
  playbook = 'site.yml',
  flags: Partial<RunFlags> = {},
  hooks: RunHooks = {},
  extraModules: ModuleDefinition[] = [],
): Promise<InProcessRun> {
  const records: Recorded[] = [];
  const registry = new Registry([...bundledModules, recordModule(records), ...extraModules], bundledFacts);
  let out = '';
  let summary: RunSummary | undefined;
  const code = await runCommand(
    registry,
    join(dir, playbook),
    { inventory: join(dir, 'inventory.yml'), tags: [], skipTags: [], extraVars: [], forks: 5, verbose: 0, modulePath: [], output: 'plain', ...flags },
    {
      ...hooks,
      write: (t) => (out += t),
      onSummary: (s) => (summary = s),
    },
  );
  return { code, out, summary, records };
}

/** The values one host's `record` tasks saw for one key, in order. */
export function seen(records: Recorded[], host: string, key: string): unknown[] {
  return records.filter((r) => r.host === host && key in r.args).map((r) => r.args[key]);
}

/** The PLAY RECAP line of a host as { ok, changed, … }. */
export function recap(out: string, host: string): Record<string, number> {
  const line = out.split('\n').reverse().find((l) => l.startsWith(`${host} `) && l.includes(' : ok='));
  if (!line) throw new Error(`no PLAY RECAP line for ${host} in:\n${out}`);
  return Object.fromEntries([...line.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
}
