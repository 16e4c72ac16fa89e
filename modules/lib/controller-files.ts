// Files that live beside the playbook on the controller (template sources, copy sources).
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ModuleError } from '../../sdk/index.js';

/**
 * Finds a relative `src` in `<baseDir>/<folder>/`, `<baseDir>/../<folder>/`, then `<baseDir>/`
 * (folder: 'templates' or 'files'); an absolute `src` is used as it is.
 */
export function resolveControllerFile(baseDir: string, folder: 'templates' | 'files', src: string): string {
  if (isAbsolute(src)) {
    if (existsSync(src)) return src;
    throw new ModuleError(`could not find '${src}' on the controller`);
  }
  const candidates = [join(baseDir, folder, src), join(baseDir, '..', folder, src), join(baseDir, src)].map((p) => resolve(p));
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  throw new ModuleError(`could not find '${src}' on the controller; looked in:\n  ${candidates.join('\n  ')}`);
}
