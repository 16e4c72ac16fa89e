#!/usr/bin/env bash
# Run by `npm test` before the tests (npm's pretest): installs what the tests need on a Debian or
# Ubuntu machine. As root, the Debian packages the suites use: sshd and sudo for the SSH tests,
# acl, rsync, PostgreSQL and pgpool2 for the module tests, ansible-core as lineinfile's oracle,
# debootstrap and systemd-container for the lab. Then the npm dependencies, when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  need=(openssh-server openssh-client sudo acl rsync iproute2 debootstrap systemd-container ansible-core postgresql pgpool2)
  missing=()
  for p in "${need[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "test prerequisites: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "test prerequisites: not root: no Debian packages installed; the tests that need root will say so"
fi
[ -d node_modules ] || npm ci --no-audit --no-fund
