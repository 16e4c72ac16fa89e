// A thin entry for the lab commands without the tsplay CLI:
//   node dist/lab/main.js up [--release bookworm|bullseye|trixie] [--hosts master,slave,balancer]
//   node dist/lab/main.js down | status | reset | cut HOST | heal HOST | ssh HOST [COMMAND…]
import { exitCodeOf, UsageError } from '../engine/errors.js';
import { labCut, labDown, labHeal, labReset, labSsh, labStatus, labUp } from './commands.js';

const USAGE = 'usage: main.js up [--release R] [--hosts a,b,c] | down | status | reset | cut HOST | heal HOST | ssh HOST [COMMAND...]';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
  return v;
}

function hostArg(args: string[]): string {
  const host = args[0];
  if (!host) throw new UsageError(USAGE);
  return host;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const log = (s: string) => console.error(`lab: ${s}`);
  switch (command) {
    case 'up': {
      const s = await labUp({ release: option(args, '--release'), hosts: option(args, '--hosts')?.split(','), log });
      console.log(s.text);
      return 0;
    }
    case 'down':
      await labDown({ log });
      return 0;
    case 'status': {
      const s = await labStatus();
      console.log(s.text);
      return s.up ? 0 : 1;
    }
    case 'reset':
      await labReset({ log });
      return 0;
    case 'cut':
      await labCut(hostArg(args));
      return 0;
    case 'heal':
      await labHeal(hostArg(args));
      return 0;
    case 'ssh':
      return labSsh(hostArg(args), args.slice(1).filter((a, i) => i > 0 || a !== '--'));
    default:
      throw new UsageError(USAGE);
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(`error: ${(e as Error).message}`);
    process.exitCode = exitCodeOf(e);
  },
);
