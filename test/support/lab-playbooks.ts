// Running the bundled playbooks on the lab from the e2e suites, as a user runs them, and reading
// their PLAY RECAP.
import { assertLabUp } from '../../lab/commands.js';
import { type CliResult, runCli } from './cli.js';

/** PLAY RECAP → host → counter → value. */
export function recap(out: string): Record<string, Record<string, number>> {
  const result: Record<string, Record<string, number>> = {};
  const part = out.slice(out.lastIndexOf('PLAY RECAP'));
  for (const line of part.split('\n')) {
    const m = /^(\S+)\s+:\s+(.*)$/.exec(line);
    if (!m) continue;
    result[m[1]!] = Object.fromEntries([...m[2]!.matchAll(/(\w+)=(\d+)/g)].map((x) => [x[1]!, Number(x[2])]));
  }
  return result;
}

/** `tsplay run ARGS -i inventory/lab.yml --output plain` (the lab's secrets come with it), after checking the lab is up. */
export async function tsplay(args: string[], timeoutMs: number): Promise<CliResult> {
  await assertLabUp();
  return runCli(['run', ...args, '-i', 'inventory/lab.yml', '--output', 'plain'], { timeoutMs });
}

export const explain = (r: CliResult): string => `exit ${r.code}\n${r.stdout.slice(-6000)}\n${r.stderr}`;
