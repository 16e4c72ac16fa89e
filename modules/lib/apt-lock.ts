// Runs an apt/dpkg command that needs the dpkg lock, waiting (bounded) while another apt or
// dpkg holds it instead of failing at once. apt >= 1.9.11 waits by itself with
// DPkg::Lock::Timeout; older apt (Astra Linux SE 1.6 ships 1.4) ignores that option and fails,
// so the command is retried until the same deadline.
import { CommandError, type ModuleContext } from '../../sdk/index.js';

export const LOCK_WAIT_SECONDS = 120;

const LOCK_BUSY = /Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock|is locked by another process/i;

export async function runWithDpkgLock(
  ctx: ModuleContext,
  command: string,
  waitSeconds = LOCK_WAIT_SECONDS,
  pauseMs = 3000,
): Promise<string> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const r = await ctx.exec(command);
    if (r.code === 0) return r.stdout;
    if (!LOCK_BUSY.test(r.stderr) || Date.now() + pauseMs > deadline) {
      const busy = LOCK_BUSY.test(r.stderr) ? ` (the dpkg lock was still held after ${waitSeconds} s)` : '';
      throw new CommandError(ctx.host, command + busy, r.code, r.stderr, r.stdout);
    }
    ctx.log(`${ctx.host}: dpkg lock busy, retrying`);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
