// An sh wrapper installed as /usr/local/bin/ssh on the lab's Astra-like hosts: it enforces
// OpenSSH 7.4's option set (option letters, -o keywords, enumerated -o values, from
// options-V_7_4_P1.json) and then runs the real /usr/bin/ssh. What 7.4 refuses fails here the
// way 7.4 fails: exit 255 with its message. Only the options before the destination are checked
// (the command-line test checks those after it too).
import { optionSet } from './checker.js';

export function openSsh74Wrapper(): string {
  const set = optionSet('V_7_4_P1');
  const spec = set.getopt.ssh;
  const noArg: string[] = [];
  const withArg: string[] = [];
  for (let i = 0; i < spec.length; i++) {
    if (spec[i + 1] === ':') withArg.push(spec[i++]!);
    else noArg.push(spec[i]!);
  }
  const cases = Object.entries(set.options).map(([name, o]) => {
    if (o.status !== 'ok') return `    ${name}) fail "command-line line 0: ${o.status === 'unsupported' ? 'Unsupported' : 'Deprecated'} option \\"$kw\\"" ;;`;
    if (o.values) return `    ${name}) case "$val" in ${o.values.join('|')}) ;; *) fail "unsupported option \\"$val\\"." ;; esac ;;`;
    return `    ${name}) ;;`;
  });
  return `#!/bin/sh
# tsplay lab (Astra-like hosts): OpenSSH 7.4's option set in front of the real ssh.
# Generated from ${set.source} by lab/openssh/wrapper.ts.
fail() { echo "$*" >&2; exit 255; }
check_o() {
  kw=\${1%%=*}; val=\${1#*=}
  if [ "$kw" = "$1" ]; then kw=\${1%% *}; val=\${1#* }; fi
  kw=$(printf '%s' "$kw" | tr 'A-Z' 'a-z'); val=$(printf '%s' "$val" | tr 'A-Z' 'a-z')
  case "$kw" in
${cases.join('\n')}
    *) fail "command-line line 0: Bad configuration option: $kw" ;;
  esac
}
expect=
for a in "$@"; do
  if [ -n "$expect" ]; then
    [ "$expect" = o ] && check_o "$a"
    expect=; continue
  fi
  case "$a" in
    --) break ;;
    -?*)
      rest=\${a#-}
      while [ -n "$rest" ]; do
        c=\${rest%"\${rest#?}"}; rest=\${rest#?}
        case "$c" in
          [${noArg.join('')}]) ;;
          [${withArg.join('')}])
            if [ -n "$rest" ]; then [ "$c" = o ] && check_o "$rest"; rest=
            elif [ "$c" = o ]; then expect=o
            else expect=arg; fi ;;
          *) fail "ssh: illegal option -- $c" ;;
        esac
      done ;;
    *) break ;;
  esac
done
exec /usr/bin/ssh "$@"
`;
}
