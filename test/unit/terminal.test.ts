import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { ReadStream } from 'node:tty';
import { readHiddenLine } from '../../engine/terminal.js';

/** A terminal that records its raw mode and is typed at. */
class FakeTerminal extends EventEmitter {
  raw: boolean[] = [];
  setRawMode(on: boolean): this {
    this.raw.push(on);
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
  type(s: string): void {
    this.emit('data', Buffer.from(s, 'utf8'));
  }
}

describe('terminal: readHiddenLine', () => {
  it('reads to Enter in raw mode, Backspace deletes, nothing is echoed but the newline', async () => {
    const t = new FakeTerminal();
    let newlines = 0;
    const line = readHiddenLine(t as unknown as ReadStream, () => newlines++, () => expect.fail('no interrupt'));
    t.type('pa');
    t.type('sx\u007fs\bs wörd\r');
    expect(await line).to.equal('pass wörd');
    expect(t.raw).to.deep.equal([true, false]);
    expect(newlines).to.equal(1);
    expect(t.listenerCount('data')).to.equal(0);
  });

  it('Ctrl-C calls interrupt instead of adding a character', async () => {
    const t = new FakeTerminal();
    let interrupted = 0;
    const line = readHiddenLine(t as unknown as ReadStream, () => undefined, () => interrupted++);
    t.type('a\u0003b\n');
    expect(await line).to.equal('ab');
    expect(interrupted).to.equal(1);
  });
});
