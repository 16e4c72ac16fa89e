#!/usr/bin/env bash
# Run by `npm run bench` before the benchmark (npm's prebench): the test prerequisites, plus
# Debian's `ansible` package, whose community.general collection has the ufw module that workload
# (b) compares with tsplay's ufw. Without root it can install nothing and says so; the benchmark
# then falls back to a read-only ufw task for Ansible and writes that into RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash test/prerequisites.sh
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  if ! dpkg-query -W -f='${Status}' ansible 2>/dev/null | grep -q 'install ok installed'; then
    echo "bench prerequisites: installing ansible (community.general, for the ufw comparison)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends ansible >/dev/null
  fi
else
  echo "!!!!! bench prerequisites: not root: Debian's ansible package (community.general.ufw) cannot be installed" >&2
fi
