// Speculative reads: the runner hands this connection the commands that the checks of the next
// tasks will send; they travel in one round trip (batch-script.ts) and their results wait here.
// A check that then sends one of those commands gets its result without a round trip.
//
// Why this is safe: the commands come from checks, which only read. A result is served only
// while nothing else has run on the host since it was read: any command that is not served
// from here (an apply, a read the prefetch did not foresee, a task delegated here from another
// host) drops every waiting result first, so whatever follows reads the host afresh. Each result
// is served once, so the re-check after an apply never sees a result from before it.
import { createHash } from 'node:crypto';
import type { Connection, ExecOptions, ExecResult } from '../module-api.js';
import { type BatchCommand, batchScript, parseBatch } from './batch-script.js';

/** TSPLAY_BATCH=0 turns the read-ahead off: every check then reads on its own. */
export const batchingWanted = (): boolean => process.env.TSPLAY_BATCH !== '0';

const keyOf = (command: string, stdin: string | Buffer | undefined): string =>
  createHash('sha256').update(command).update('\0').update(stdin ?? '').digest('hex');

export class PrefetchingConnection implements Connection {
  private waiting = new Map<string, ExecResult[]>();
  /** Bumped by every command not served from the cache: a prefetch that overlapped one is stale. */
  private gen = 0;
  /** Commands answered from a prefetch, for -vvv and the tests. */
  served = 0;

  constructor(readonly inner: Connection) {}

  get host(): string {
    return this.inner.host;
  }

  get roundTrips(): number {
    return this.inner.roundTrips;
  }

  /** Changes whenever the waiting results are dropped. */
  get generation(): number {
    return this.gen;
  }

  /** Results still waiting to be asked for. */
  get pending(): number {
    let n = 0;
    for (const v of this.waiting.values()) n += v.length;
    return n;
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const key = keyOf(command, opts.stdin);
    const hit = this.waiting.get(key)?.shift();
    if (hit) {
      this.served++;
      return hit;
    }
    this.drop();
    return this.inner.exec(command, opts);
  }

  /** Forgets every waiting result. */
  drop(): void {
    this.waiting.clear();
    this.gen++;
  }

  /**
   * Runs the commands in one round trip and keeps their results. Returns how many were kept:
   * none when another command ran on the host meanwhile (the results may predate it).
   */
  async prefetch(commands: BatchCommand[]): Promise<number> {
    this.drop();
    if (!commands.length) return 0;
    const generation = this.gen;
    const { script, mark } = batchScript(commands);
    const r = await this.inner.exec(script);
    if (generation !== this.gen) return 0;
    const results = parseBatch(r.stdout, mark, commands.length);
    results.forEach((res, k) => {
      const key = keyOf(commands[k]!.command, commands[k]!.stdin);
      const list = this.waiting.get(key);
      if (list) list.push(res);
      else this.waiting.set(key, [res]);
    });
    return results.length;
  }

  close(): Promise<void> {
    this.drop();
    return this.inner.close();
  }
}
