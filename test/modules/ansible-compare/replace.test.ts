// replace against Ansible's replace: the same edits on copies of the same files.
import replace from '../../../modules/replace.js';
import { type EditCase, compareEdits } from './file-edits.js';

const hba = '# TYPE DATABASE USER ADDRESS METHOD\nlocal all postgres peer\nhost all all 127.0.0.1/32 md5\nhost all all ::1/128 md5\n';
const hosts = '10.0.0.5 a\n# BEGIN cluster\n10.0.0.5 b\n10.0.0.5 c\n# END cluster\n10.0.0.5 d\n';

const cases: EditCase[] = [
  { name: 'every match replaced', content: hba, args: { regexp: 'md5', replace: 'scram-sha-256' } },
  { name: 'groups \\1 and \\g<name>', content: hba, args: { regexp: '^(?P<type>host)\\s+(all)', replace: '\\g<type> \\2' } },
  { name: '^ and $ at every line (MULTILINE)', content: hba, args: { regexp: '^host(.*)md5$', replace: 'hostssl\\1md5' }, notIdempotent: '^host matches hostssl too' },
  { name: 'no match is no change', content: hba, args: { regexp: '^trust', replace: 'x' } },
  { name: 'replacement equal to the match is no change', content: hba, args: { regexp: 'peer', replace: 'peer' } },
  { name: 'default replace removes the matches', content: hba, args: { regexp: '^#.*\\n' } },
  { name: 'after only', content: hosts, args: { after: '# BEGIN cluster', regexp: '^10\\.0\\.0\\.5', replace: '10.0.0.6' } },
  { name: 'before only', content: hosts, args: { before: '# END cluster', regexp: '^10\\.0\\.0\\.5', replace: '10.0.0.6' } },
  { name: 'after and before', content: hosts, args: { after: '# BEGIN cluster', before: '# END cluster', regexp: '^10\\.0\\.0\\.5', replace: '10.0.0.6' } },
  { name: 'after not matching', content: hosts, args: { after: '# NOPE', regexp: '^10', replace: '11' } },
  { name: 'empty pattern matches (x*)', content: 'abxd\n', args: { regexp: 'x*', replace: '-' }, notIdempotent: 'an empty match is everywhere' },
  { name: 'CRLF file, $ before CR', content: 'a = 1\r\nb = 2\r\n', args: { regexp: '= (\\d)$', replace: '= 9' } },
  { name: 'CRLF file, \\r kept with \\s', content: 'a = 1\r\nb = 2\r\n', args: { regexp: '= (\\d)(\\s*)$', replace: '= 9\\2' } },
  { name: 'escapes in the replacement', content: 'k v\n', args: { regexp: '^(k) (v)$', replace: '\\1\\t\\2' } },
  { name: 'inline (?i)', content: 'Listen = 1\n', args: { regexp: '(?i)^listen', replace: 'listen' } },
  { name: 'UTF-8 text and pattern', content: 'имя = старое\n', args: { regexp: 'старое', replace: 'новое' } },
  { name: 'dotall not set: . stops at newline', content: 'a\nb\n', args: { regexp: 'a.b', replace: 'X' } },
  { name: 'a missing file fails', content: null, args: { regexp: 'a', replace: 'b' } },
  { name: 'mode change only', content: 'a\n', args: { regexp: 'zzz', mode: '0600' } },
  { name: 'mode and an edit', content: 'a\n', args: { regexp: 'a', replace: 'b', mode: '0640' } },
  { name: 'backup keeps the old file', content: 'a\n', args: { regexp: 'a', replace: 'b', backup: true } },
  { name: 'validate passes', content: 'a\n', args: { regexp: 'a', replace: 'b', validate: 'grep -q b %s' } },
  { name: 'validate fails', content: 'a\n', args: { regexp: 'a', replace: 'b', validate: 'grep -q zzz %s' } },
  { name: 'check mode writes nothing', content: 'a\n', args: { regexp: 'a', replace: 'b' }, checkMode: true },
  { name: 'bad regexp fails', content: 'a\n', args: { regexp: '(', replace: 'b' } },
  { name: 'bad group reference fails', content: 'a\n', args: { regexp: 'a', replace: '\\2' } },
  { name: 'empty file', content: '', args: { regexp: '^', replace: 'x' }, notIdempotent: '^ always matches' },
  { name: 'no newline at the end', content: 'a\nb', args: { regexp: 'b$', replace: 'c' } },
];

compareEdits('replace vs ansible replace (byte-identical results)', 'replace', replace, cases);
