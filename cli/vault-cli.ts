// `tsplay vault ACTION`: the command-line shape of ansible-vault's subcommands. The work is in
// vault-command.ts, loaded only when a vault command runs.
import type { Command } from 'commander';
import { addFlags } from './flags.js';
import { normalise, type VaultFlags } from './vault-flags.js';

const collect = (v: string, prev: string[]) => [...prev, v];

/** `tsplay vault ACTION`: ansible-vault's subcommands and options. */
export function vaultCommands(p: Command): void {
  const vault = p.command('vault').description('encrypt and decrypt files and values, compatible with ansible-vault');
  const actions: [string, string, string][] = [
    ['create', '<file>', 'create a new encrypted file in $EDITOR'],
    ['edit', '<file>', 'edit an encrypted file in $EDITOR'],
    ['encrypt', '[files...]', 'encrypt files in place (stdin to stdout when none)'],
    ['decrypt', '[files...]', 'decrypt files in place (stdin to stdout when none)'],
    ['view', '<files...>', 'show the plaintext of encrypted files'],
    ['encrypt_string', '[strings...]', 'encrypt strings for a !vault value in YAML (stdin when none)'],
    ['rekey', '<files...>', 'encrypt files again with a new password'],
  ];
  for (const [action, arg, description] of actions) {
    const c = addFlags(vault.command(action), 'vault').description(description).argument(arg);
    if (['create', 'encrypt', 'encrypt_string'].includes(action)) c.option('--encrypt-vault-id <id>', 'the vault id to encrypt with');
    if (['encrypt', 'decrypt'].includes(action)) c.option('--output <file>', "write to this file ('-' for stdout)");
    if (action === 'rekey') c.option('--new-vault-id <id>', 'the vault id of the new password').option('--new-vault-password-file <file>', 'the new password file or script');
    if (action === 'encrypt_string') {
      c.option('-n, --name <name>', 'the variable name of each string (repeatable)', collect, [])
        .option('-p, --prompt', 'ask for the string to encrypt')
        .option('--stdin-name <name>', 'the variable name of the string read from stdin');
    }
    c.action(async (args: string | string[], flags: VaultFlags & Record<string, unknown>) => {
      const { vaultCommand } = await import('./vault-command.js');
      const { promptSecret } = await import('./prompt.js');
      const { withConfig } = await import('./config-flags.js');
      await vaultCommand(action as Parameters<typeof vaultCommand>[0], Array.isArray(args) ? args : [args], { ...flags, ...normalise(withConfig(flags)) }, {
        out: (b) => process.stdout.write(b),
        err: (s) => process.stderr.write(s),
        prompt: promptSecret,
      });
    });
  }
}
