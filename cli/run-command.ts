// `tsplay run PLAYBOOK -i INVENTORY`: load and validate everything, then run.
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { ExitCode, NoHostsError, redact, UsageError } from '../engine/errors.js';
import { type Inventory, loadInventory } from '../engine/inventory/index.js';
import { withConfig } from './config-flags.js';
import type { Registry } from '../engine/module-registry.js';
import { loadCustomModules } from './custom-modules.js';
import { loadPlaybook } from '../engine/playbook/load.js';
import type { Reporter, ReporterOptions } from '../engine/output/reporter.js';
import { PlainReporter } from '../engine/output/plain.js';
import type { Connection } from '../engine/module-api.js';
import { handleInterrupts, exitCodeForSignal } from './interrupts.js';
import type { RunOptions } from '../engine/runner/run-state.js';
import { runPlaybook, type RunSummary } from '../engine/runner/play-runner.js';
import { parseExtraVars } from './extra-vars.js';
import { listHosts, listTags, listTasks, mayHaveTask } from './listing.js';
import { promptSecret, terminalPrompt } from './prompt.js';
import { vaultKeyringFor } from './vault-flags.js';
import { type GivenFlags, mapFlags } from './flags.js';

/** The flags of `tsplay run` (flags.ts declares them). */
export type RunFlags = GivenFlags;

export interface RunHooks {
  write?: (text: string) => void;
  wrapConnection?: (c: Connection) => Connection;
  onSummary?: (s: RunSummary) => void;
  /** vars_prompt's terminal (tests answer here); else /dev/tty when there is one. */
  prompt?: RunOptions['prompt'];
}

export async function runCommand(registry: Registry, playbookPath: string, given: RunFlags, hooks: RunHooks = {}): Promise<number> {
  const write = hooks.write ?? ((t: string) => process.stdout.write(t));
  if (!existsSync(playbookPath)) throw new UsageError(`playbook not found: ${playbookPath}`);
  const flags = withConfig(given);
  // Before anything is loaded: YAML loading opens vaulted files and values with these secrets.
  const keyring = await vaultKeyringFor(flags);
  const beside = join(dirname(playbookPath), 'modules');
  await loadCustomModules(registry, [...flags.modulePath, ...(existsSync(beside) ? [beside] : [])]);
  const options = mapFlags(flags);
  const tags = options.run.tags;
  const playbook = await loadPlaybook(playbookPath, registry, flags.rolesPath);
  if (flags.syntaxCheck) {
    write(`\nplaybook: ${playbookPath}\n`);
    return ExitCode.ok;
  }
  if (flags.listTasks) return write(listTasks(playbook, tags) + '\n'), ExitCode.ok;
  if (flags.listTags) return write(listTags(playbook) + '\n'), ExitCode.ok;
  if (!flags.inventory.length) throw new UsageError('an inventory is needed: -i INVENTORY (or inventory = … in ansible.cfg)');
  const inventory = loadInventory(flags.inventory, { playbookDir: dirname(playbookPath) });
  if (flags.limit !== undefined) requireLimitMatch(inventory, flags.limit);
  if (flags.startAtTask !== undefined && !mayHaveTask(playbook, flags.startAtTask)) {
    throw new UsageError(`--start-at-task: no task named '${flags.startAtTask}' (tsplay run --list-tasks lists them)`);
  }
  if (flags.listHosts) return write(listHosts(playbook, inventory, flags.limit) + '\n'), ExitCode.ok;
  const extraVars = parseExtraVars(flags.extraVars);
  // What the vault revealed is masked like every other secret (the list keeps growing: files
  // included at run time are opened into it too).
  const secrets = { values: keyring.revealed };
  const becomePassword = flags.askBecomePass ? await promptSecret('BECOME password: ') : undefined;
  if (becomePassword) secrets.values.push(becomePassword);
  const ropts: ReporterOptions = { ...options.report, secrets, write };
  const reporter = await createReporter(flags.output ?? (process.stdout.isTTY && !hooks.write ? 'live' : 'plain'), ropts);
  let summary: RunSummary;
  const stop: RunOptions['stop'] = {};
  // In-process runs (tests) leave the process's signals alone.
  const unhandle = hooks.write ? () => undefined : handleInterrupts(stop, (t) => process.stderr.write(t));
  try {
    summary = await runPlaybook(playbook, {
      ...options.run,
      stop,
      inventory,
      registry,
      factProviders: registry.facts,
      reporter,
      extraVars,
      becomePassword,
      connection: { ...options.run.connection, wrap: hooks.wrapConnection },
      secrets,
      prompt: hooks.prompt ?? (hooks.write ? undefined : terminalPrompt()),
      log: flags.verbose > 0 ? (m) => write(`  ${redact(m, secrets.values)}\n`) : undefined,
    });
  } finally {
    await reporter.close();
    unhandle();
  }
  hooks.onSummary?.(summary);
  if (summary.interrupted) return exitCodeForSignal(summary.interrupted);
  return summary.unreachable ? ExitCode.unreachable : summary.failed || summary.broken ? ExitCode.hostFailed : ExitCode.ok;
}

/** As ansible-playbook: a --limit that leaves no inventory host is an error, before any play. */
function requireLimitMatch(inventory: Inventory, limit: string): void {
  const known = new Set(inventory.hosts.keys());
  if (!inventory.select(limit).some((h) => known.has(h))) {
    throw new NoHostsError(`Specified inventory, host pattern and/or --limit leaves us with no hosts to target: no host matches --limit '${limit}'`);
  }
}

async function createReporter(kind: 'live' | 'plain', o: ReporterOptions): Promise<Reporter> {
  if (kind === 'live') {
    const { LiveReporter } = await import('../engine/output/live.js');
    return new LiveReporter(o);
  }
  return new PlainReporter(o);
}
