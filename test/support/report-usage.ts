// Preloaded into a tsplay process (node --import) by tests that guard its cost: on exit it
// writes the process's CPU time and peak memory to stderr as one `TSPLAY_USAGE {json}` line.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const u = process.resourceUsage();
  writeSync(2, `\nTSPLAY_USAGE ${JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssMB: u.maxRSS / 1024 })}\n`);
});
