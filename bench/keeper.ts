// The connection keeper during the benchmark: one of the bench's own (TSPLAY_KEEPER_DIR in its
// work folder, so that the user's keeper is neither used nor stopped), which tsplay's CLI runs
// start and reuse as they would anywhere. Its CPU time counts as tsplay's (it does the SSH work a
// run would otherwise do itself) and its memory as the controller's.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keeperSocket } from '../engine/connection/keeper-dir.js';
import type { KeeperStats } from '../engine/connection/keeper-server.js';
import { askKeeper } from '../engine/connection/kept.js';
import { clockTicks } from './light-hosts.js';
import { CLI } from './tools.js';

export interface KeeperCpu {
  pid?: number;
  ms: number;
}

export class BenchKeeper {
  private readonly socket: string;
  private readonly saved = process.env.TSPLAY_KEEPER_DIR;

  constructor(work: string) {
    const dir = join(work, 'keeper');
    mkdirSync(dir, { mode: 0o700 });
    process.env.TSPLAY_KEEPER_DIR = dir;
    this.socket = keeperSocket(dir, CLI);
  }

  async stats(): Promise<KeeperStats | undefined> {
    return (await askKeeper(this.socket, 'stats'))?.stats as KeeperStats | undefined;
  }

  /** The keeper's CPU time so far (0 when none runs). */
  async cpu(): Promise<KeeperCpu> {
    const s = await this.stats();
    if (!s) return { ms: 0 };
    const fields = readFileSync(`/proc/${s.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { pid: s.pid, ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks() };
  }

  /** CPU used between two readings (a keeper that started meanwhile: all of its time). */
  static spent(before: KeeperCpu, after: KeeperCpu): number {
    return after.pid === before.pid ? after.ms - before.ms : after.ms;
  }

  /** The keeper's peak resident memory in KiB (0 when none runs). */
  async peakRssKb(): Promise<number> {
    const s = await this.stats();
    if (!s) return 0;
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${s.pid}/status`, 'utf8'))?.[1] ?? 0);
  }

  /** Ends the keeper and its connections (before the hosts they reach go away); the next run starts another. */
  async stop(): Promise<void> {
    await askKeeper(this.socket, 'stop');
  }

  /** Stops the keeper and gives the environment back. */
  async close(): Promise<void> {
    await this.stop();
    if (this.saved === undefined) delete process.env.TSPLAY_KEEPER_DIR;
    else process.env.TSPLAY_KEEPER_DIR = this.saved;
  }
}
