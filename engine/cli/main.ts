#!/usr/bin/env node
// The tsplay command line. One top-level catch maps every error to an exit code.
import { Command, CommanderError, Option } from 'commander';
import { exitCodeOf, ExitCode, UsageError, ValidationError, TsplayError } from '../errors.js';
import { Registry } from '../module-registry.js';
import { bundledModules } from '../../modules/index.js';
import { runCommand, type RunFlags } from './run-command.js';

const collect = (v: string, prev: string[]) => [...prev, v];
const count = (_v: string, prev: number) => prev + 1;

function program(): Command {
  const p = new Command('tsplay')
    .description('Ansible-style YAML playbooks, run over one SSH connection per host')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(tsplay --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  p.command('run')
    .description('run a playbook')
    .argument('<playbook>', 'the playbook file')
    .option('-i, --inventory <file>', 'inventory file (Ansible YAML format)')
    .option('-t, --tags <tags>', 'only run tasks with these tags (comma list, repeatable)', collect, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags (comma list, repeatable)', collect, [])
    .option('-C, --check', 'dry run: report what would change, change nothing')
    .option('-D, --diff', 'show unified diffs of changed files')
    .option('-l, --limit <pattern>', 'limit to hosts matching this pattern')
    .option('-e, --extra-vars <vars>', 'k=v pairs, inline YAML/JSON, or @file (repeatable)', collect, [])
    .option('-f, --forks <n>', 'hosts in parallel', (v) => parsePositive(v, '--forks'), 25)
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
      process.exitCode = await runCommand(new Registry(bundledModules), playbook, flags);
    });

  p.command('inventory')
    .description('show an inventory')
    .requiredOption('-i, --inventory <file>', 'inventory file')
    .option('--list', 'all hosts, groups and variables as JSON')
    .option('--graph [group]', 'the group tree')
    .option('--host <host>', "one host's variables as JSON")
    .action(async (flags: { inventory: string; list?: boolean; graph?: string | boolean; host?: string }) => {
      const { loadInventory, inventoryGraph, inventoryList } = await import('../inventory/index.js');
      const inv = loadInventory(flags.inventory);
      if (flags.host) {
        if (!inv.hosts.has(flags.host)) throw new UsageError(`no host '${flags.host}' in ${flags.inventory}`);
        process.stdout.write(JSON.stringify(inv.hostVars(flags.host), null, 2) + '\n');
      } else if (flags.graph !== undefined) process.stdout.write(inventoryGraph(inv, typeof flags.graph === 'string' ? flags.graph : 'all') + '\n');
      else if (flags.list) process.stdout.write(JSON.stringify(inventoryList(inv), null, 2) + '\n');
      else throw new UsageError('tsplay inventory needs --list, --graph or --host');
    });

  p.command('doc')
    .description("a module's documentation (all modules when none is named)")
    .argument('[module]')
    .option('--module-path <dir>', 'also load modules from this folder (repeatable)', collect, [])
    .action(async (name: string | undefined, flags: { modulePath: string[] }) => {
      const { docCommand } = await import('./doc-command.js');
      const { loadModuleDir } = await import('../module-registry.js');
      const registry = new Registry(bundledModules);
      for (const d of flags.modulePath) await loadModuleDir(registry, d);
      process.stdout.write(docCommand(registry, name));
    });

  const lab = p.command('lab').description('a lab of real Debian hosts on this machine (needs root)');
  const labAction = (fn: (mod: typeof import('../../lab/commands.js')) => Promise<unknown>) => async () => {
    const mod = await import('../../lab/commands.js');
    await fn(mod);
  };
  lab.command('up')
    .description('build (once) and start the lab hosts')
    .option('--release <name>', 'Debian release: bookworm (default), bullseye, trixie', 'bookworm')
    .option('--hosts <names>', 'comma list of host names', 'master,slave,balancer')
    .action(async (o: { release: string; hosts: string }) => {
      const { labUp } = await import('../../lab/commands.js');
      const status = await labUp({ release: o.release, hosts: o.hosts.split(',').filter(Boolean), log: (s) => process.stderr.write(s + '\n') });
      process.stdout.write(status.text + '\n');
    });
  lab.command('down').description('stop the lab and remove all it made').action(labAction((m) => m.labDown()));
  lab.command('status').description('hosts, addresses and health').action(labAction(async (m) => process.stdout.write((await m.labStatus()).text + '\n')));
  lab.command('ssh').argument('<host>').description('a shell on a lab host').action(async (h: string) => {
    const { labSsh } = await import('../../lab/commands.js');
    process.exitCode = (await labSsh(h)) ?? 0;
  });
  lab.command('cut').argument('<host>').description('take a host off the lab network').action(async (h: string) => (await import('../../lab/commands.js')).labCut(h));
  lab.command('heal').argument('<host>').description('put a host back on the lab network').action(async (h: string) => (await import('../../lab/commands.js')).labHeal(h));
  lab.command('reset').description('return every host to the base image').action(labAction((m) => m.labReset()));
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
