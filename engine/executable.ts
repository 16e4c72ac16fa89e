// Whether a controller file may be run: Ansible runs an executable inventory (a script) and an
// executable vault password file, and reads the others.
import { accessSync, constants } from 'node:fs';

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
