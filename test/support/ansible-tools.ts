// Debian's ansible-core tools (ansible-vault, ansible-inventory, ansible-playbook) for
// comparison tests. Missing, a suite is skipped loudly; with CI=true it fails instead.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function requireAnsibleTool(ctx: Mocha.Context, tool: string): void {
  if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0) return;
  const message = `${tool} NOT FOUND: the comparison with ansible-core is SKIPPED (apt-get install ansible-core)`;
  if (process.env.CI === 'true') throw new Error(`${message}; failing because CI=true`);
  console.warn(`\n  !!!!! ${message} !!!!!\n`);
  ctx.skip();
}

/** An empty ansible.cfg, so that no user or system configuration changes the comparison. */
const EMPTY_CFG = join(mkdtempSync(join(tmpdir(), 'tsplay-ansible-cfg-')), 'ansible.cfg');
writeFileSync(EMPTY_CFG, '[defaults]\n');

/** Runs an ansible tool with an empty config (no user ansible.cfg), no color. */
export function ansible(tool: string, args: string[], o: { cwd?: string; input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(tool, args, {
    cwd: o.cwd,
    input: o.input ?? '',
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_CONFIG: EMPTY_CFG, ANSIBLE_LOCAL_TEMP: '/tmp', ...o.env },
    maxBuffer: 16 << 20,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}
