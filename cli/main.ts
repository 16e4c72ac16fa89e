#!/usr/bin/env node
// The tsplay command line. One top-level catch maps every error to an exit code.
import { resolve as resolvePath } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { exitCodeOf, ExitCode, UsageError, ValidationError, TsplayError } from '../engine/errors.js';
import { Registry } from '../engine/module-registry.js';
import { bundledFacts, bundledModules } from '../modules/index.js';
import { labCommand } from './lab-command.js';
import { runCommand, type RunFlags } from './run-command.js';
import { addVaultOptions, vaultKeyringFor, type VaultFlags } from './vault-flags.js';
import { vaultCommands } from './vault-cli.js';
import { withConfig } from './config-flags.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];
const count = (_v: string, prev: number) => prev + 1;

function program(): Command {
  const p = new Command('tsplay')
    .description('Ansible-style YAML playbooks, run over one SSH connection per host')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(tsplay --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  addVaultOptions(p.command('run'))
    .description('run a playbook')
    .argument('<playbook>', 'the playbook file')
    .option('-i, --inventory <source>', 'inventory: YAML or INI file, script, directory, or host list a,b, (repeatable)', collect)
    .option('-t, --tags <tags>', 'only run tasks with these tags (comma list, repeatable)', collect, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags (comma list, repeatable)', collect, [])
    .option('-C, --check', 'dry run: report what would change, change nothing')
    .option('-D, --diff', 'show unified diffs of changed files')
    .option('-l, --limit <pattern>', 'limit to hosts matching this pattern')
    .option('-e, --extra-vars <vars>', 'k=v pairs, inline YAML/JSON, or @file (repeatable)', collect, [])
    .option('-f, --forks <n>', 'hosts in parallel (default: ansible.cfg forks, else 25)', (v) => parsePositive(v, '--forks'))
    .option('--start-at-task <name>', 'start at the task with this name')
    .option('--list-tasks', 'list the tasks that would run')
    .option('--list-tags', 'list all tags')
    .option('--list-hosts', 'list the hosts of each play')
    .option('--syntax-check', 'validate the playbook tree, contact no host')
    .option('-v, --verbose', 'more output (-vv, -vvv for even more)', count, 0)
    .option('-b, --become', 'run tasks with become (sudo)')
    .option('--become-user <user>', 'the user to become', undefined)
    .option('-K, --ask-become-pass', 'ask for the become password')
    .option('-u, --user <user>', 'remote user when the inventory sets none')
    .option('--private-key <file>', 'SSH private key when the inventory sets none')
    .option('--module-path <dir>', 'load extra modules from this folder (repeatable)', collect, [])
    .addOption(new Option('--host-key-checking <policy>', 'SSH host keys: strict (known_hosts), accept-new, off').choices(['strict', 'accept-new', 'off']))
    .addOption(new Option('--output <style>', 'live view or plain lines (default: live in a terminal)').choices(['live', 'plain']))
    .action(async (playbook: string, flags: RunFlags) => {
      process.exitCode = await runCommand(new Registry(bundledModules, bundledFacts), playbook, flags);
    });

  addVaultOptions(p.command('inventory'))
    .description('show an inventory')
    .option('-i, --inventory <source>', 'inventory: YAML or INI file, script, directory, or host list a,b, (repeatable)', collect)
    .option('--playbook-dir <dir>', 'also read the group_vars/ and host_vars/ of this playbook folder')
    .option('--list', 'all hosts, groups and variables as JSON')
    .option('--graph [group]', 'the group tree')
    .option('--host <host>', "one host's variables as JSON")
    .action(async (given: VaultFlags & { inventory?: string[]; playbookDir?: string; list?: boolean; graph?: string | boolean; host?: string }) => {
      const { loadInventory, inventoryGraph, inventoryList } = await import('../engine/inventory/index.js');
      const flags = withConfig(given);
      if (!flags.inventory.length) throw new UsageError('an inventory is needed: -i INVENTORY (or inventory = … in ansible.cfg)');
      const keyring = await vaultKeyringFor(flags);
      const inv = loadInventory(flags.inventory, { playbookDir: flags.playbookDir });
      const json = (v: unknown) => JSON.stringify(v, keyring.jsonReplacer, 2) + '\n';
      if (flags.host) {
        if (!inv.hosts.has(flags.host)) throw new UsageError(`no host '${flags.host}' in ${flags.inventory}`);
        process.stdout.write(json(inv.hostVars(flags.host)));
      } else if (flags.graph !== undefined) process.stdout.write(inventoryGraph(inv, typeof flags.graph === 'string' ? flags.graph : 'all') + '\n');
      else if (flags.list) process.stdout.write(json(inventoryList(inv)));
      else throw new UsageError('tsplay inventory needs --list, --graph or --host');
    });

  p.command('doc')
    .description("a module's documentation (all modules when none is named)")
    .argument('[module]')
    .option('--module-path <dir>', 'also load modules from this folder (repeatable)', collect, [])
    .option('--check-module <file>', 'type-check a TypeScript module against the SDK and load it, then document it')
    .action(async (name: string | undefined, flags: { modulePath: string[]; checkModule?: string }) => {
      const { docCommand } = await import('./doc-command.js');
      const { checkModule, loadCustomModules } = await import('./custom-modules.js');
      const registry = new Registry(bundledModules, bundledFacts);
      await loadCustomModules(registry, flags.modulePath);
      if (flags.checkModule !== undefined) {
        const m = await checkModule(registry, resolvePath(flags.checkModule));
        process.stdout.write(`${flags.checkModule}: module '${m.name}' type-checks against the SDK and loads\n\n` + docCommand(registry, m.name));
        return;
      }
      process.stdout.write(docCommand(registry, name));
    });

  vaultCommands(p);
  labCommand(p);
  return p;
}

function parsePositive(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got '${v}'`);
  return n;
}

async function main(): Promise<void> {
  try {
    await program().parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? ExitCode.ok : ExitCode.badOptions;
      return;
    }
    if (e instanceof ValidationError) process.stderr.write(`ERROR! ${e.problems.length} problem${e.problems.length > 1 ? 's' : ''} found:\n\n${e.message}\n`);
    else if (e instanceof TsplayError) process.stderr.write(`ERROR! ${e.message}\n`);
    else process.stderr.write(`ERROR! unexpected: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = exitCodeOf(e);
  }
}

await main();
