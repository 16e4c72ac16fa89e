// Output of a remote command, kept within bounds: the first and the last `limit / 2` bytes of a
// stream, with the middle counted and cut, so a command printing a gigabyte costs a few MB.
import type { ExecResult } from '../module-api.js';

/** Bytes of each stream an exec keeps unless it asks for another limit (half head, half tail). */
export const DEFAULT_OUTPUT_LIMIT = 2 * 1024 * 1024;

export class BoundedOutput {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  /** Bytes received in all. */
  total = 0;

  constructor(private readonly limit = DEFAULT_OUTPUT_LIMIT) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.limit === Infinity) {
      this.head.push(chunk);
      return;
    }
    const half = Math.floor(this.limit / 2);
    if (this.headBytes < this.limit - half) {
      const take = Math.min(chunk.length, this.limit - half - this.headBytes);
      this.head.push(chunk.subarray(0, take));
      this.headBytes += take;
      chunk = chunk.subarray(take);
      if (!chunk.length) return;
    }
    // Copies, so that a kept tail piece does not pin a large chunk.
    this.tail.push(Buffer.from(chunk));
    this.tailBytes += chunk.length;
    while (this.tail.length > 1 && this.tailBytes - this.tail[0]!.length >= half) this.tailBytes -= this.tail.shift()!.length;
  }

  /** Bytes dropped from the middle. */
  get cut(): number {
    const half = Math.floor(this.limit / 2);
    return this.limit === Infinity ? 0 : Math.max(0, this.total - this.headBytes - Math.min(this.tailBytes, half));
  }

  /**
   * The kept text, with a line in the middle that says how much was cut; without the last
   * `trailer` bytes (a framing marker that ended the stream).
   */
  text(trailer = 0): string {
    const half = Math.floor(this.limit / 2);
    let head = Buffer.concat(this.head);
    const tail = Buffer.concat(this.tail);
    let kept = tail.subarray(Math.max(0, tail.length - half));
    if (kept.length >= trailer) kept = kept.subarray(0, kept.length - trailer);
    else {
      head = head.subarray(0, head.length - (trailer - kept.length));
      kept = kept.subarray(0, 0);
    }
    if (!this.cut) return head.toString('utf8') + kept.toString('utf8');
    return `${head.toString('utf8')}\n[tsplay: ${this.cut} bytes of output cut here; the first ${this.headBytes} and the last ${kept.length} bytes are kept]\n${kept.toString('utf8')}`;
  }
}

/** The ExecResult of two streams and an exit code (`cut` only when something was cut). */
export function execResult(out: BoundedOutput, err: BoundedOutput, code: number): ExecResult {
  const r: ExecResult = { stdout: out.text(), stderr: err.text(), code };
  if (out.cut || err.cut) r.cut = { stdout: out.cut, stderr: err.cut };
  return r;
}
