#!/bin/sh
# pgpool-II's failover_command on balancer. Managed by tsplay
# (playbooks/failover.yml); changes here are overwritten.
#
# pgpool.conf: failover_command = '/etc/pgpool2/failover.sh %d %h %P %m %H'
#   $1  %d  id of the node that went down
#   $2  %h  its host
#   $3  %P  id of the primary before the failure (-1 when there was none)
#   $4  %m  id of the new main node: the live node with the lowest id (-1 when none is left)
#   $5  %H  host of the new main node
#
# Only when the node that went down was the primary is the new main node (the hot standby)
# promoted, over ssh as postgres with "pg_ctlcluster 13 main promote"; then, in the background, the
# failed primary is fenced where it can still be reached (stopped, start.conf manual). A
# standby that goes down needs nothing here: pgpool-II stops sending it queries. Every decision is logged to
# /var/log/postgresql/pgpool-failover.log and to pgpool-II's log.

failed_id=$1
failed_host=$2
old_primary_id=$3
new_main_id=$4
new_main_host=$5

log_file='/var/log/postgresql/pgpool-failover.log'
ssh_key='/var/lib/postgresql/.ssh/id_rsa'
promote='pg_ctlcluster 13 main promote'
fence='if [ -e /var/lib/postgresql/13/main/standby.signal ]; then echo already-a-standby; else pg_ctlcluster 13 main stop -m fast; sed -i s/^auto$/manual/ /etc/postgresql/13/main/start.conf; fi'
synchronous=no

log() {
    line="$(date '+%Y-%m-%d %H:%M:%S') failover.sh[$$]: $*"
    echo "$line" >&2
    echo "$line" >>"$log_file" 2>/dev/null || :
}

# remote HOST COMMAND: COMMAND (no single quotes in it) as postgres on HOST over ssh, stdin passed on.
remote() {
    ssh_cmd="ssh -T -o BatchMode=yes -o ConnectTimeout=10 -i $ssh_key postgres@$1"
    if [ "$(id -u)" -eq 0 ]; then
        # pgpool-II runs as postgres on Debian and Astra; run as root, ssh still has to use
        # postgres's key and known_hosts.
        su postgres -s /bin/sh -c "$ssh_cmd '$2'"
    else
        $ssh_cmd "$2"
    fi
}

# Synchronous replication: the primary left must not wait forever for the standby that is gone.
stop_waiting() {
    [ "$synchronous" = yes ] || return 0
    if out=$(printf '%s\n' "ALTER SYSTEM SET synchronous_standby_names = '';" "SELECT pg_reload_conf();" | remote "$1" "psql -X -q -At -d postgres -p 5432" 2>&1); then
        log "$1 no longer waits for a synchronous standby (synchronous_standby_names emptied until the rejoin)"
    else
        log "could not empty synchronous_standby_names on $1: $out"
    fi
}

log "node $failed_id ($failed_host) is down; the primary was node $old_primary_id; new main node: $new_main_id ($new_main_host)"

if [ "$failed_id" != "$old_primary_id" ]; then
    log "node $failed_id was not the primary: nothing to promote"
    [ -n "$new_main_host" ] && [ "$new_main_id" != "-1" ] && stop_waiting "$new_main_host"
    exit 0
fi
if [ -z "$new_main_host" ] || [ "$new_main_id" = "-1" ]; then
    log "no live node is left to promote"
    exit 1
fi
case $new_main_host in
    *[!A-Za-z0-9._:-]*)
        log "refusing the unexpected host name '$new_main_host'"
        exit 1
        ;;
esac

log "promoting node $new_main_id ($new_main_host): $promote"
output=$(remote "$new_main_host" "$promote" 2>&1)
rc=$?

if [ "$rc" -eq 0 ]; then
    log "node $new_main_id ($new_main_host) promoted${output:+: $output}"
    stop_waiting "$new_main_host"
    # In the background: a cut primary does not answer, and the failover must not wait for it.
    (
        if out=$(remote "$failed_host" "$fence" 2>&1); then
            case $out in
                *already-a-standby*) log "old primary $failed_host is a standby again (rejoined): not fenced" ;;
                *) log "old primary $failed_host fenced (stopped, start.conf manual)" ;;
            esac
        else
            log "old primary $failed_host not reached to fence it (site.yml fences it once it is back): $out"
        fi
    ) </dev/null >/dev/null 2>&1 &
else
    log "promoting node $new_main_id ($new_main_host) failed (exit code $rc): $output"
fi
exit "$rc"
