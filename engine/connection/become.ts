// Privilege escalation: wraps a command so that it runs as another user through sudo (or su
// where sudo is absent). The password, when there is one, travels on stdin, never in argv.
import { quote } from '../shell.js';

export interface BecomeSettings {
  user: string;
  password?: string;
}

/**
 * Returns the wrapped command and the stdin prefix it needs. The wrapper skips escalation when
 * the remote user already is the target user, so one wrapper serves every host without a probe.
 */
export function wrapBecome(command: string, become: BecomeSettings): { command: string; stdinPrefix: string } {
  const u = quote(become.user);
  const inner = quote(command);
  const pw = become.password !== undefined;
  // With a password on stdin, the branches that do not call sudo must consume its line first.
  const skipPw = pw ? 'IFS= read -r _tsplay_pw; unset _tsplay_pw; ' : '';
  const sudo = pw ? `sudo -H -S -p '' -u ${u} -- /bin/sh -c ${inner}` : `sudo -H -n -u ${u} -- /bin/sh -c ${inner}`;
  const wrapped =
    `if [ "$(id -un)" = ${u} ]; then ${skipPw}/bin/sh -c ${inner}; ` +
    `elif command -v sudo >/dev/null 2>&1; then ${sudo}; ` +
    `else ${skipPw}su -s /bin/sh ${u} -c ${inner}; fi`;
  return { command: wrapped, stdinPrefix: pw ? `${become.password}\n` : '' };
}
