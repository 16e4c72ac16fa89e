// blockinfile against Ansible's blockinfile: the same edits on copies of the same files.
import blockinfile from '../../../modules/blockinfile.js';
import { type EditCase, compareEdits } from './file-edits.js';

const conf = 'local all all peer\nhost all all 127.0.0.1/32 md5\nhost all all ::1/128 md5\n';
const withBlock = `a\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nb\n`;

const cases: EditCase[] = [
  { name: 'new block at EOF', content: conf, args: { block: 'host replication r 10.0.0.0/24 md5' } },
  { name: 'new block at EOF of a file without newline', content: 'a\nb', args: { block: 'x' } },
  { name: 'same block is no change', content: withBlock, args: { block: 'old' } },
  { name: 'block replaced where it is', content: withBlock, args: { block: 'new\nlines' } },
  { name: 'block with a final newline', content: withBlock, args: { block: 'new\n' } },
  { name: 'state absent removes the block', content: withBlock, args: { state: 'absent' } },
  { name: 'empty block removes the block', content: withBlock, args: { block: '' } },
  { name: 'state absent without a block is no change', content: conf, args: { state: 'absent' } },
  { name: 'insertbefore BOF', content: conf, args: { block: 'x', insertbefore: 'BOF' } },
  { name: 'insertafter regex (last match)', content: conf, args: { block: 'x', insertafter: '^host' } },
  { name: 'insertbefore regex (last match)', content: conf, args: { block: 'x', insertbefore: '^host' } },
  { name: 'insertafter not matching goes to EOF', content: conf, args: { block: 'x', insertafter: '^zzz' } },
  { name: 'insertafter with (?m) searches the whole file', content: conf, args: { block: 'x', insertafter: '(?m)^host all all 127' } },
  { name: 'insertbefore with (?m)', content: conf, args: { block: 'x', insertbefore: '(?m)^host' } },
  { name: 'insertafter ignored when the block exists', content: withBlock, args: { block: 'new', insertafter: '^b' } },
  { name: 'custom marker and marker_begin/end', content: conf, args: { block: 'x', marker: '// {mark} tsplay {mark}', marker_begin: 'START', marker_end: 'STOP' } },
  { name: 'markers in reverse order', content: 'a\n# END ANSIBLE MANAGED BLOCK\nmid\n# BEGIN ANSIBLE MANAGED BLOCK\nb\n', args: { block: 'x' } },
  { name: 'only a begin marker: a new block is added', content: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nb\n', args: { block: 'x' } },
  { name: 'CRLF file', content: 'a\r\nb\r\n', args: { block: 'x' } },
  { name: 'CRLF markers are not markers', content: 'a\r\n# BEGIN ANSIBLE MANAGED BLOCK\r\nold\r\n# END ANSIBLE MANAGED BLOCK\r\n', args: { block: 'x' } },
  { name: 'UTF-8 block', content: conf, args: { block: 'комментарий' } },
  { name: 'empty file', content: '', args: { block: 'x' } },
  { name: 'missing file fails without create', content: null, args: { block: 'x' } },
  { name: 'missing file with create', content: null, args: { block: 'x', create: true } },
  { name: 'absent on a missing file fails without create', content: null, args: { state: 'absent' } },
  { name: 'absent on a missing file with create', content: null, args: { state: 'absent', create: true } },
  { name: 'mode change only', content: withBlock, args: { block: 'old', mode: '0600' } },
  { name: 'backup', content: conf, args: { block: 'x', backup: true } },
  { name: 'validate fails', content: conf, args: { block: 'x', validate: 'grep -q zzz %s' } },
  { name: 'check mode', content: conf, args: { block: 'x' }, checkMode: true },
  { name: 'check mode with create', content: null, args: { block: 'x', create: true }, checkMode: true },
];

compareEdits('blockinfile vs ansible blockinfile (byte-identical results)', 'blockinfile', blockinfile, cases);
