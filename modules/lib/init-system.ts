// Whether systemd runs the host (is PID 1), as sd_booted() tells it: /run/systemd/system
// exists only then. Hosts without it (containers started without an init, old Astra
// installations with sysvinit) are driven through pg_ctlcluster, service and /etc/init.d.

/** A probe that prints `systemd` or `other`. */
export const INIT_PROBE = '[ -d /run/systemd/system ] && echo systemd || echo other';

export function isSystemd(probeOut: string | undefined): boolean {
  return (probeOut ?? '').trim() === 'systemd';
}
