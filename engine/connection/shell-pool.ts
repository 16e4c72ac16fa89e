// The persistent shells of one SSH connection for one identity on the host: the login user's
// plain shells, or the shells of one become user (and password). A command takes an idle shell,
// a new one while the pool has fewer than MAX_SHELLS, or waits for the next one freed. Shells
// hold a channel each; the connection caps them all together (SHELL_CHANNELS), so that exec
// channels stay free: a pool at that cap takes an idle shell of another pool, or does without.
import type { ExecResult } from '../module-api.js';
import { RemoteShell, ShellRefusedError, type ShellStart } from './remote-shell.js';

/** Persistent shells per pool. */
export const MAX_SHELLS = 4;
/** Persistent shells per connection, all pools together. */
export const SHELL_CHANNELS = 6;

/** What a pool needs from its connection. */
export interface ShellHost {
  /** Opens a channel running `start` into a ready shell (a channel slot is held meanwhile). */
  openShell(start: ShellStart): Promise<RemoteShell>;
  /** Frees the channel slot of a shell that ended. */
  shellEnded(): void;
  /** Shells open or opening in every pool of the connection. */
  shellCount(): number;
  /** Closes an idle shell of another pool; false when there is none. */
  evictIdle(except: ShellPool): boolean;
}

/** take()'s answer: a shell to run in, a refusal to report (sudo refused), or none (use an exec channel). */
export type Taken = { shell: RemoteShell } | { refused: ExecResult } | undefined;

export class ShellPool {
  private shells: RemoteShell[] = [];
  private opening = 0;
  private readonly reserved = new Set<RemoteShell>();
  private waiters: ((t: Taken) => void)[] = [];
  /** Set when this pool's shell could not start: its commands take exec channels. */
  unusable = false;

  constructor(private readonly host: ShellHost, private readonly start: ShellStart) {}

  get size(): number {
    return this.shells.length + this.opening;
  }

  async take(): Promise<Taken> {
    if (this.unusable) return undefined;
    for (const s of this.shells) if (!s.alive && !this.reserved.has(s)) this.forget(s);
    const idle = this.shells.find((s) => s.alive && !this.reserved.has(s));
    if (idle) {
      this.reserved.add(idle);
      return { shell: idle };
    }
    const full = this.size >= MAX_SHELLS || (this.host.shellCount() >= SHELL_CHANNELS && !this.host.evictIdle(this));
    if (full) return this.size ? new Promise((resolve) => this.waiters.push(resolve)) : undefined;
    this.opening++;
    try {
      const shell = await this.host.openShell(this.start);
      this.shells.push(shell);
      this.reserved.add(shell);
      return { shell };
    } catch (e) {
      const answer: Taken = e instanceof ShellRefusedError ? { refused: e.result } : undefined;
      // No shell to keep (no POSIX sh, no channel, a become that did not start): exec channels.
      if (!answer) this.unusable = true;
      for (const w of this.waiters.splice(0)) w(answer);
      return answer;
    } finally {
      this.opening--;
    }
  }

  giveBack(shell: RemoteShell): void {
    this.reserved.delete(shell);
    if (!shell.alive) this.forget(shell);
    const next = this.waiters.shift();
    if (!next) return;
    if (shell.alive) {
      this.reserved.add(shell);
      next({ shell });
    } else {
      // Let the waiter open a replacement.
      void this.take().then(next, () => next(undefined));
    }
  }

  /** Closes one idle shell; false when every shell is busy. */
  closeIdle(): boolean {
    const idle = this.shells.find((s) => s.alive && !this.reserved.has(s));
    if (!idle) return false;
    idle.close();
    this.forget(idle);
    return true;
  }

  closeAll(): void {
    for (const s of this.shells.splice(0)) s.close();
  }

  private forget(shell: RemoteShell): void {
    const before = this.shells.length;
    this.shells = this.shells.filter((s) => s !== shell);
    if (this.shells.length < before) this.host.shellEnded();
  }
}
