// Reading a secret (the become password) without echoing it; vars_prompt's questions.
import { closeSync, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ReadStream, WriteStream } from 'node:tty';
import { readHiddenLine } from '../engine/terminal.js';

export async function promptSecret(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    // Piped: the first line of stdin is the secret.
    const rl = createInterface({ input });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    return '';
  }
  process.stderr.write(question);
  return readHiddenLine(input, () => process.stderr.write('\n'), () => process.exit(130));
}

/**
 * vars_prompt's questions, asked on the controlling terminal (/dev/tty, so piped stdin and
 * stdout stay the playbook's); undefined when there is no terminal: the run is non-interactive.
 */
export function terminalPrompt(): ((question: string, secret: boolean) => Promise<string>) | undefined {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    return undefined;
  }
  closeSync(fd);
  return async (question, secret) => {
    const fd = openSync('/dev/tty', 'r+');
    const input = new ReadStream(fd);
    const output = new WriteStream(fd);
    try {
      output.write(question);
      if (!secret) {
        const rl = createInterface({ input, terminal: false });
        for await (const line of rl) {
          rl.close();
          return line;
        }
        return '';
      }
      return await readHiddenLine(input, () => output.write('\n'), () => process.exit(130));
    } finally {
      input.destroy();
      output.destroy();
    }
  };
}
