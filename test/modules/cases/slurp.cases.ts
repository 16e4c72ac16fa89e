// slurp fixtures: what the host answers to the one probe script.
import slurp from '../../../modules/slurp.js';
import type { CaseFile } from '../harness.js';
import { sectionsOutput } from './file-replies.js';

const reply = (kind: string, content = '') => [{ match: '@@tsplay@@ kind', stdout: sectionsOutput({ kind, content }) }];

const cases: CaseFile = {
  module: slurp,
  cases: [
    { name: 'reads a file as base64', args: { src: '/etc/hostname' }, before: reply('file', 'cGcxCg==\n'), expect: { changed: false, message: /^4 bytes read from \/etc\/hostname$/ } },
    {
      name: "a leading ~ is the host's $HOME",
      args: { src: '~/.pgpass' },
      before: [{ match: /base64 < "\$HOME"/, stdout: sectionsOutput({ kind: 'file', home: '/var/lib/postgresql', content: 'eA==\n' }) }],
      expect: { changed: false, message: /^1 bytes read from \/var\/lib\/postgresql\/\.pgpass$/ },
    },
    { name: 'alias path', args: { path: '/etc/empty' }, before: reply('file', ''), expect: { changed: false, message: /^0 bytes/ } },
    { name: 'a missing file fails', args: { src: '/nope' }, before: reply('absent'), expect: { changed: false, error: /^file not found: \/nope$/ } },
    { name: 'a folder fails', args: { src: '/etc' }, before: reply('dir'), expect: { changed: false, error: /^source is a directory and must be a file: \/etc$/ } },
    { name: 'an unreadable file fails', args: { src: '/etc/shadow' }, before: reply('unreadable'), expect: { changed: false, error: /^file is not readable/ } },
  ],
};

export default cases;
