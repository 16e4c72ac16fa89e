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
import { type BecomeSettings, becomeKey } from './become.js';

/** TSPLAY_BATCH=0 turns the read-ahead off: every check then reads on its own. */
export const batchingWanted = (): boolean => process.env.TSPLAY_BATCH !== '0';

const keyOf = (command: string, stdin: string | Buffer | undefined, as?: BecomeSettings): string =>
  createHash('sha256').update(as ? becomeKey(as) : '').update('\0').update(command).update('\0').update(stdin ?? '').digest('hex');

export class PrefetchingConnection implements Connection {
  private waiting = new Map<string, ExecResult[]>();
  /** Bumped by every command not served from the cache: a prefetch that overlapped one is stale. */
  private gen = 0;
  /** Commands answered from a prefetch, for -vvv and the tests. */
  served = 0;

  /** Present when the connection below runs become commands its own way (ssh's become shells). */
  readonly execAs?: (become: BecomeSettings, command: string, opts?: ExecOptions) => Promise<ExecResult>;

  constructor(readonly inner: Connection) {
    const innerAs = inner.execAs?.bind(inner);
    if (innerAs) this.execAs = (become, command, opts = {}) => this.serve(command, opts, become) ?? innerAs(become, command, opts);
  }

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
    return this.serve(command, opts) ?? this.inner.exec(command, opts);
  }

  /** The waiting result of this command, or undefined after dropping every waiting result. */
  private serve(command: string, opts: ExecOptions, as?: BecomeSettings): Promise<ExecResult> | undefined {
    const hit = this.waiting.get(keyOf(command, opts.stdin, as))?.shift();
    if (hit) {
      this.served++;
      return Promise.resolve(hit);
    }
    this.drop();
    return undefined;
  }

  /** Forgets every waiting result. */
  drop(): void {
    this.waiting.clear();
    this.gen++;
  }

  /**
   * Runs the commands in one round trip and keeps their results. Returns how many were kept:
   * none when another command ran on the host meanwhile (the results may predate it).
   * A command asked for several times (ten line edits of one file read it ten times) runs once:
   * nothing runs between the copies, so each would read the same, and each copy is still served
   * once.
   */
  async prefetch(commands: BatchCommand[]): Promise<number> {
    this.drop();
    if (!commands.length) return 0;
    const generation = this.gen;
    // Each distinct command once (its key names the identity it runs as too), with its copies.
    const distinct = new Map<string, { command: BatchCommand; copies: number }>();
    for (const c of commands) {
      const key = keyOf(c.command, c.stdin, c.as);
      const seen = distinct.get(key);
      if (seen) seen.copies++;
      else distinct.set(key, { command: c, copies: 1 });
    }
    // One script per identity the commands run as (usually one): each is one round trip.
    const groups = new Map<string, [string, { command: BatchCommand; copies: number }][]>();
    for (const entry of distinct) {
      const as = entry[1].command.as;
      const k = as ? becomeKey(as) : '';
      groups.set(k, [...(groups.get(k) ?? []), entry]);
    }
    const replies = await Promise.all(
      [...groups.values()].map(async (group) => {
        const { script, mark } = batchScript(group.map(([, d]) => d.command));
        const as = group[0]![1].command.as;
        const r = as && this.inner.execAs ? await this.inner.execAs(as, script) : await this.inner.exec(script);
        return { group, results: parseBatch(r, mark, group.length) };
      }),
    );
    if (generation !== this.gen) return 0;
    // Nothing waits now (drop() above, and no command ran since): each key is set once.
    let kept = 0;
    for (const { group, results } of replies) {
      results.forEach((res, k) => {
        const [key, { copies }] = group[k]!;
        this.waiting.set(key, Array.from({ length: copies }, () => ({ ...res })));
        kept += copies;
      });
    }
    return kept;
  }

  close(opts?: { reset?: boolean }): Promise<void> {
    this.drop();
    return this.inner.close(opts);
  }
}
