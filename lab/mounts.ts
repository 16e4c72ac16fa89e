// Overlay mounts and their removal. Nothing is deleted while something is still mounted in it.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { exec, LabError, run } from './run.js';

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Mount points at or below a directory, deepest first. */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map(unescapeMountPath)
    .filter((p) => p === dir || p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

export async function mountOverlay(lower: string, upper: string, work: string, target: string): Promise<void> {
  await run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, target]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Unmounts everything at or below dir; a mount still busy after a few tries is detached lazily. */
export async function unmountUnder(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const mounts = mountsUnder(dir);
    if (mounts.length === 0) return;
    for (const m of mounts) {
      const r = await exec('umount', attempt < 5 ? [m] : ['--lazy', m]);
      if (r.code !== 0 && !/not mounted|no mount point/i.test(r.stderr)) await sleep(100);
    }
  }
  const left = mountsUnder(dir);
  if (left.length > 0) throw new LabError(`cannot unmount ${left.join(', ')}`);
}

/** Deletes a directory tree after unmounting whatever is mounted inside it. */
export async function removeTree(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  await unmountUnder(dir);
  rmSync(dir, { recursive: true, force: true });
}
