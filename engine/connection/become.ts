// Privilege escalation: wraps a command so that it runs as another user through sudo (or su
// where sudo is absent). The password, when there is one, travels on stdin, never in argv.
import { quote } from '../shell.js';

export interface BecomeSettings {
  user: string;
  password?: string;
}

/**
 * Returns the wrapped command and the stdin prefix it needs. The wrapper skips escalation when
 * the remote user already is the target user, so one wrapper serves every host without a
 * separate probe. (su, without sudo, works from root only: it reads passwords from a terminal.)
 */
export function wrapBecome(command: string, become: BecomeSettings): { command: string; stdinPrefix: string } {
  const u = quote(become.user);
  const inner = quote(command);
  const direct = `/bin/sh -c ${inner}`;
  if (become.password === undefined) {
    const wrapped =
      `if [ "$(id -un)" = ${u} ]; then ${direct}; ` +
      `elif command -v sudo >/dev/null 2>&1; then sudo -H -n -u ${u} -- ${direct}; ` +
      `else su -s /bin/sh ${u} -c ${inner}; fi`;
    return { command: wrapped, stdinPrefix: '' };
  }
  // The password is the first line of stdin. sudo -S reads it only when it asks for one, so
  // where it would not (already the target user, a NOPASSWD rule, cached credentials) the
  // line is read away first: the command must see exactly the caller's stdin. `sudo -n` tells
  // whether sudo would ask; -k then makes sure it does.
  const drop = 'IFS= read -r _tsplay_pw; unset _tsplay_pw';
  const wrapped =
    `if [ "$(id -un)" = ${u} ]; then ${drop}; ${direct}; ` +
    `elif ! command -v sudo >/dev/null 2>&1; then ${drop}; su -s /bin/sh ${u} -c ${inner}; ` +
    `elif sudo -n -u ${u} -- /bin/sh -c : >/dev/null 2>&1; then ${drop}; sudo -H -n -u ${u} -- ${direct}; ` +
    `else sudo -H -k -S -p '' -u ${u} -- ${direct}; fi`;
  return { command: wrapped, stdinPrefix: `${become.password}\n` };
}
