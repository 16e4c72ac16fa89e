#!/usr/bin/env bash
# Run by `npm test` before the tests (npm's pretest): installs what the tests need on a Debian or
# Ubuntu machine. As root, the Debian packages the suites use: sshd and sudo for the SSH tests,
# acl, rsync, PostgreSQL and pgpool2 for the module tests, ansible-core as the Ansible oracle
# (its results come back through test/support/ansible/callback_plugins, so nothing beyond
# ansible-core is needed), debootstrap and systemd-container for the lab. Then the npm
# dependencies, when missing. Last, a check that every tool the suites call is there and works,
# naming the package to install when one is not.
set -euo pipefail
cd "$(dirname "$0")/.."
need=(openssh-server openssh-client sudo acl rsync iproute2 debootstrap systemd-container ansible-core python3 openssl passwd postgresql pgpool2)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
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

# Each tool the suites call, with the Debian package that brings it.
problems=()
tool() { # tool COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || problems+=("$1 is missing: apt-get install $2")
}
export PATH="$PATH:/usr/sbin:/sbin"
tool /usr/sbin/sshd openssh-server
tool ssh openssh-client
tool ssh-keygen openssh-client
tool sudo sudo
tool visudo sudo
tool setfacl acl
tool getfacl acl
tool rsync rsync
tool ip iproute2
tool debootstrap debootstrap
tool systemd-nspawn systemd-container
tool python3 python3
tool openssl openssl
tool useradd passwd
tool pg_ctlcluster postgresql-common
tool pg_lsclusters postgresql-common
tool psql postgresql-client
tool pg_md5 pgpool2
tool ansible-playbook ansible-core
tool ansible-vault ansible-core
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || problems+=("no PostgreSQL server binaries (initdb): apt-get install postgresql")

# ansible-playbook must run, and report through the callback the comparisons use.
if command -v ansible-playbook >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  printf -- '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg=ok\n' >"$tmp/p.yml"
  if ! ANSIBLE_CALLBACK_PLUGINS="$PWD/test/support/ansible/callback_plugins" ANSIBLE_STDOUT_CALLBACK=tsplay_json \
    ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_LOCAL_TEMP="$tmp/t" ansible-playbook -i localhost, -c local "$tmp/p.yml" >"$tmp/out" 2>&1 ||
    ! grep -q '"msg": "ok"' "$tmp/out"; then
    problems+=("ansible-playbook does not run with the tsplay_json callback: $(tail -n 3 "$tmp/out" | tr '\n' ' ') (apt-get install ansible-core)")
  fi
  rm -rf "$tmp"
fi

if [ ${#problems[@]} -gt 0 ]; then
  printf '\n!!!!! test prerequisites missing:\n' >&2
  printf '  - %s\n' "${problems[@]}" >&2
  if [ "${CI:-}" = true ]; then exit 1; fi
  printf '!!!!! the suites that need them will say so and skip (under CI=true they fail)\n\n' >&2
fi
