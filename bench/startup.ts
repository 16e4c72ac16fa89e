// Start-up: from spawning `tsplay run` to its first remote command, on a one-task playbook over
// the local connection (so no network is in the figure). The task writes the time it runs at;
// the difference to the spawn time, on the same clock, is the start-up. `node -e 0` is the floor.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectSuccess, median, timed } from './measure.js';
import { tsplayArgv } from './tools.js';

export interface Startup {
  /** Median ms from spawn to the first remote command. */
  firstCommandMs: number;
  /** Median wall ms of the whole one-task run. */
  runMs: number;
  /** Median wall ms of `node -e 0`. */
  nodeMs: number;
}

export async function measureStartup(dir: string, runs: number): Promise<Startup> {
  const stamp = join(dir, 'first-command');
  const playbook = join(dir, 'startup.yml');
  const inventory = join(dir, 'startup-inventory.yml');
  writeFileSync(inventory, 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');
  writeFileSync(playbook, [
    '- hosts: localhost',
    '  gather_facts: false',
    '  tasks:',
    `    - shell: date +%s%N > ${stamp}`,
    '      changed_when: false',
    '',
  ].join('\n'));
  const first: number[] = [];
  const whole: number[] = [];
  const node: number[] = [];
  const [cmd, ...args] = tsplayArgv({ playbook, inventory, forks: 1 });
  for (let i = 0; i < runs; i++) {
    node.push(expectSuccess('node -e 0', await timed(process.execPath, ['-e', '0'])).wallMs);
    const spawnedAt = performance.timeOrigin + performance.now();
    const m = expectSuccess('tsplay start-up run', await timed(cmd!, args));
    first.push(Number(readFileSync(stamp, 'utf8').trim()) / 1e6 - spawnedAt);
    whole.push(m.wallMs);
  }
  return { firstCommandMs: median(first), runMs: median(whole), nodeMs: median(node) };
}
