// Ansible's `type: path` arguments are expanded on the host (os.path.expanduser there): a leading
// `~` is the connecting (or become) user's $HOME, known only on the host. `~user` stays as it is.
import { quote } from '../../sdk/index.js';

export const hasHome = (p: string): boolean => p === '~' || p.startsWith('~/');

/** The sh word for a path: "$HOME" for its leading ~, the rest quoted. */
export function shPath(p: string): string {
  if (p === '~') return '"$HOME"';
  if (p.startsWith('~/')) return `"$HOME"${quote(p.slice(1))}`;
  return quote(p);
}

/** A probe printing the host's $HOME (no newline). */
export const HOME_PROBE = 'printf %s "$HOME"';

/** The path with its leading ~ replaced by `home` (what HOME_PROBE printed). */
export function expandHome(p: string, home: string): string {
  const h = home.replace(/\n$/, '');
  if (p === '~') return h;
  if (p.startsWith('~/')) return `${h}${p.slice(1)}`;
  return p;
}
