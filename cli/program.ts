// The tsplay command line: its commands and their flags (the shared flags are declared in
// flags.ts). main.ts runs it.
import { resolve as resolvePath } from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../engine/errors.js';
import { Registry } from '../engine/module-registry.js';
import { bundledFacts, bundledModules } from '../modules/index.js';
import { addFlags, type GivenFlags } from './flags.js';
import { keeperCommand } from './keeper-command.js';
import { labCommand } from './lab-command.js';
import { runCommand } from './run-command.js';
import { vaultKeyringFor } from './vault-flags.js';
import { vaultCommands } from './vault-cli.js';
import { withConfig } from './config-flags.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function program(): Command {
  const p = new Command('tsplay')
    .description('Ansible-style YAML playbooks, run over one SSH connection per host')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(tsplay --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  addFlags(p.command('run'), 'run')
    .description('run a playbook')
    .argument('<playbook>', 'the playbook file')
    .action(async (playbook: string, flags: GivenFlags) => {
      process.exitCode = await runCommand(new Registry(bundledModules, bundledFacts), playbook, flags);
    });

  addFlags(p.command('inventory'), 'inventory')
    .description('show an inventory')
    .option('--playbook-dir <dir>', 'also read the group_vars/ and host_vars/ of this playbook folder')
    .option('--list', 'all hosts, groups and variables as JSON')
    .option('--graph [group]', 'the group tree')
    .option('--host <host>', "one host's variables as JSON")
    .action(async (given: Partial<GivenFlags> & { playbookDir?: string; list?: boolean; graph?: string | boolean; host?: string }) => {
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
  keeperCommand(p);
  return p;
}
