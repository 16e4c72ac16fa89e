// Reading one line a person types without showing it (passwords, pause's echo: false): the
// terminal in raw mode; Enter ends the line, Backspace deletes, Ctrl-C calls `interrupt` (raw
// mode turns it into a key: a prompt before the run exits 130, pause during one raises SIGINT so
// that the run stops cleanly).
import type { ReadStream } from 'node:tty';

export function readHiddenLine(input: ReadStream, newline: () => void, interrupt: () => void): Promise<string> {
  input.setRawMode(true);
  input.resume();
  return new Promise((resolve) => {
    let value = '';
    const onData = (b: Buffer) => {
      for (const ch of b.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          input.setRawMode(false);
          input.pause();
          input.off('data', onData);
          newline();
          return resolve(value);
        }
        if (ch === '\u0003') interrupt();
        else if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}
