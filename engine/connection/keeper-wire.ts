// The connection keeper's wire format on its unix socket: each message is a JSON head and a
// binary body (a command's stdin), framed as [u32 head length][u32 body length][head][body].
// Every request carries an id, and its reply the same id.
import type { Socket } from 'node:net';

export interface Message {
  head: Record<string, unknown> & { id: number };
  body: Buffer;
}

export function encode(head: Message['head'], body: Buffer = Buffer.alloc(0)): Buffer {
  const h = Buffer.from(JSON.stringify(head));
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32BE(h.length, 0);
  prefix.writeUInt32BE(body.length, 4);
  return Buffer.concat([prefix, h, body]);
}

/** Cuts a byte stream into messages; the chunks of a large body are joined once, when it is whole. */
export class MessageReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** The messages completed by this chunk. Throws on a head that is not JSON (a broken peer). */
  push(chunk: Buffer): Message[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Message[] = [];
    for (;;) {
      if (this.buffered < 8) break;
      const prefix = this.peek(8);
      const need = 8 + prefix.readUInt32BE(0) + prefix.readUInt32BE(4);
      if (this.buffered < need) break;
      const all = this.take(need);
      const headLen = all.readUInt32BE(0);
      const head = JSON.parse(all.subarray(8, 8 + headLen).toString('utf8')) as Message['head'];
      out.push({ head, body: all.subarray(8 + headLen) });
    }
    return out;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.subarray(0, n);
  }

  private take(n: number): Buffer {
    const joined = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const rest = joined.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return joined.subarray(0, n);
  }
}

/** Feeds a socket's chunks to a MessageReader and each whole message to `each`; bad framing ends the socket. */
export function onMessages(sock: Socket, each: (m: Message) => void): void {
  const reader = new MessageReader();
  sock.on('data', (chunk: Buffer) => {
    let messages: Message[];
    try {
      messages = reader.push(chunk);
    } catch {
      sock.destroy();
      return;
    }
    for (const m of messages) each(m);
  });
}
