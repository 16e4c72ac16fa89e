// Regenerates options-<tag>.json from an openssh-portable checkout (git), so that the OpenSSH
// option sets the checker enforces come from the sources, not from memory:
//   node lab/openssh/extract-options.mjs /path/to/openssh-portable.git V_7_4_P1 > lab/openssh/options-V_7_4_P1.json
// Reads readconf.c (the -o keyword table and how process_config_line parses each value) and the
// getopt strings of ssh.c, ssh-keygen.c and ssh-keyscan.c.
import { execFileSync } from 'node:child_process';

const [repo, tag] = process.argv.slice(2);
const show = (file) => execFileSync('git', ['--git-dir', repo, 'show', `${tag}:${file}`], { encoding: 'utf8', maxBuffer: 1 << 26 });

const readconf = show('readconf.c');
const tableStart = readconf.indexOf('} keywords[] = {');
const table = readconf.slice(tableStart, readconf.indexOf('};', tableStart));
const multistates = {};
for (const m of readconf.matchAll(/static const struct multistate (\w+)\[\] = \{([\s\S]*?)\};/g)) {
  multistates[m[1]] = [...m[2].matchAll(/\{ "([^"]+)",/g)].map((x) => x[1]);
}
const body = readconf.slice(readconf.indexOf('switch (opcode) {'));
const kinds = {};
for (const m of body.matchAll(/((?:\tcase o\w+:\n)+)([\s\S]*?)(?=\n\tcase o\w+:|\n\tdefault:)/g)) {
  const b = m[2];
  const ms = /multistate_ptr = (multistate_\w+)/.exec(b);
  const kind = ms ? { values: multistates[ms[1]] }
    : /goto parse_flag|parse_flag:/.test(b) ? { values: multistates.multistate_flag }
    : /goto parse_int|parse_int:/.test(b) ? { type: 'int' }
    : /goto parse_time|parse_time:/.test(b) ? { type: 'time' }
    : { type: 'string' };
  for (const o of m[1].matchAll(/case (o\w+):/g)) kinds[o[1]] ??= kind;
}
const options = {};
for (const [, name, op] of table.matchAll(/\{ "(\w+)", (o\w+) \}/g)) {
  // Under #ifdef a keyword appears twice (supported / oUnsupported): Debian builds the supported one.
  if (options[name] && op === 'oUnsupported') continue;
  const status = op === 'oDeprecated' ? 'deprecated' : op === 'oUnsupported' ? 'unsupported' : op === 'oIgnore' ? 'ignored' : 'ok';
  options[name] = { status, ...(kinds[op] ?? { type: 'string' }) };
}
const getopt = (file, call) => {
  const src = show(file);
  const m = new RegExp(`getopt\\(${call},\\s*((?:"[^"]*"\\s*)+)\\)`).exec(src);
  return [...m[1].matchAll(/"([^"]*)"/g)].map((x) => x[1]).join('');
};
const commit = execFileSync('git', ['--git-dir', repo, 'rev-parse', `${tag}^{commit}`], { encoding: 'utf8' }).trim();
const getopts = { ssh: getopt('ssh.c', 'ac, av'), 'ssh-keygen': getopt('ssh-keygen.c', 'argc, argv'), 'ssh-keyscan': getopt('ssh-keyscan.c', 'argc, argv') };
// One option a line, so that a diff between two tags reads well.
const lines = Object.entries(options).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
console.log(`{\n "source": ${JSON.stringify(`openssh-portable ${tag} (${commit})`)},\n "getopt": ${JSON.stringify(getopts)},\n "options": {\n${lines.join(',\n')}\n }\n}`);
