#!/usr/bin/env bash
# `npm run demo`: the whole job on one machine. It brings the lab up, builds the cluster with
# playbooks/site.yml (verify included), runs the failover drill, then prints a short summary.
# It runs on a fresh Debian or Ubuntu machine with Node 20, as root, and installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "npm run demo needs root: the lab runs containers (try: sudo npm run demo)" >&2
  exit 1
fi

need=(debootstrap systemd-container iproute2 openssh-client rsync)
missing=()
for p in "${need[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "demo: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build --silent

tsplay() { node dist/bundle/cli/main.js "$@"; }
log=$(mktemp -d /tmp/tsplay-demo.XXXXXX)
t0=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }

echo "== lab up (fresh hosts)"
tsplay lab up
tsplay lab reset
t_lab=$(elapsed "$t0")

echo "== the cluster: playbooks/site.yml"
t1=$(date +%s.%N)
tsplay run playbooks/site.yml -i inventory/lab.yml --output plain | tee "$log/site.log"
t_site=$(elapsed "$t1")

echo "== again: nothing to change"
t2=$(date +%s.%N)
tsplay run playbooks/site.yml -i inventory/lab.yml --output plain > "$log/site-again.log"
t_again=$(elapsed "$t2")

echo "== failover drill"
tsplay run playbooks/drill-failover.yml -i inventory/lab.yml --output plain | tee "$log/drill.log"

echo
echo "== summary"
tsplay lab status
echo "lab up and reset:            $t_lab"
echo "site.yml on fresh hosts:     $t_site"
echo "site.yml again (no change):  $t_again"
sed -n '/PLAY RECAP/,$p' "$log/site-again.log" | sed 's/^/  /'
grep -E 'cut → |cut to ' "$log/drill.log" | sed 's/^ */  /' || true
echo "logs: $log"
