// Privilege escalation: wraps a command so that it runs as another user through sudo (or su
// where sudo is absent), or starts a shell as that user to run many commands in (the ssh
// connection's become shells). The password, when there is one, travels on stdin, never in argv.
import { createHmac, randomBytes } from 'node:crypto';
import { quote } from '../shell.js';

export interface BecomeSettings {
  user: string;
  password?: string;
}

/** Reads the password line away where sudo will not ask for it. */
const DROP = 'IFS= read -r _tsplay_pw; unset _tsplay_pw';

/**
 * `if` branches choosing how to become `user`: the wrapper skips escalation when the remote
 * user already is the target user, so one wrapper serves every host without a separate probe.
 * (su, without sudo, works from root only: it reads passwords from a terminal.) `direct` runs
 * the payload as the current user, `sudo(flags)` through sudo, `su` through su.
 */
function chooser(become: BecomeSettings, run: { direct: string; sudo: (flags: string) => string; su: string }): string {
  const u = quote(become.user);
  if (become.password === undefined) {
    return (
      `if [ "$(id -un)" = ${u} ]; then ${run.direct}; ` +
      `elif command -v sudo >/dev/null 2>&1; then ${run.sudo('-H -n')}; ` +
      `else ${run.su}; fi`
    );
  }
  // The password is the first line of stdin. sudo -S reads it only when it asks for one, so
  // where it would not (already the target user, a NOPASSWD rule, cached credentials) the
  // line is read away first: the payload must see exactly the caller's stdin. `sudo -n` tells
  // whether sudo would ask; -k then makes sure it does.
  return (
    `if [ "$(id -un)" = ${u} ]; then ${DROP}; ${run.direct}; ` +
    `elif ! command -v sudo >/dev/null 2>&1; then ${DROP}; ${run.su}; ` +
    `elif sudo -n -u ${u} -- /bin/sh -c : >/dev/null 2>&1; then ${DROP}; ${run.sudo('-H -n')}; ` +
    `else ${run.sudo("-H -k -S -p ''")}; fi`
  );
}

/** Returns the wrapped command and the stdin prefix it needs. */
export function wrapBecome(command: string, become: BecomeSettings): { command: string; stdinPrefix: string } {
  const u = quote(become.user);
  const inner = quote(command);
  const wrapped = chooser(become, {
    direct: `/bin/sh -c ${inner}`,
    sudo: (flags) => `sudo ${flags} -u ${u} -- /bin/sh -c ${inner}`,
    su: `su -s /bin/sh ${u} -c ${inner}`,
  });
  return { command: wrapped, stdinPrefix: become.password === undefined ? '' : `${become.password}\n` };
}

/** What a become shell prints on stdout once it runs as the target user. */
export const BECOME_READY = 'tsplay-become-ready';

/**
 * The command that turns an exec channel into a long-lived `sh` running as `become.user`, by
 * the same choice as wrapBecome. It prints BECOME_READY before it reads any command, so the
 * caller sends its commands only after sudo has taken the password line (or refused it): a
 * refused password never makes sudo read a command as its next try.
 */
export function becomeShellCommand(become: BecomeSettings): { command: string; stdinPrefix: string } {
  const u = quote(become.user);
  const start = quote(`echo ${BECOME_READY}; exec /bin/sh`);
  const command = chooser(become, {
    direct: `eval ${start}`,
    sudo: (flags) => `exec sudo ${flags} -u ${u} -- /bin/sh -c ${start}`,
    su: `exec su -s /bin/sh ${u} -c ${start}`,
  });
  return { command, stdinPrefix: become.password === undefined ? '' : `${become.password}\n` };
}

/** What sudo says on stderr when it refuses a password (it then reads another try). */
export const SUDO_REFUSED = /^(Sorry, try again\.|sudo: \d+ incorrect password attempts?)$/m;

/** A key per process, so that becomeKey's hashes of passwords mean nothing outside it. */
const KEY_SECRET = randomBytes(32);

/** Tells become settings apart (the user and the password), without holding the password. */
export function becomeKey(become: BecomeSettings): string {
  const pw = become.password === undefined ? '-' : createHmac('sha256', KEY_SECRET).update(become.password).digest('hex');
  return `${become.user}\0${pw}`;
}
