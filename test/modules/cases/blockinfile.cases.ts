// blockinfile fixtures: the file as the host has it before and after.
import blockinfile from '../../../modules/blockinfile.js';
import type { CaseFile } from '../harness.js';
import { anyOk, fileReply, writeOk } from './file-replies.js';

const block = '# BEGIN ANSIBLE MANAGED BLOCK\nhost replication r 10.0.0.0/24 md5\n# END ANSIBLE MANAGED BLOCK\n';

const cases: CaseFile = {
  module: blockinfile,
  cases: [
    {
      name: 'inserts a new block at EOF',
      args: { path: '/etc/pg_hba.conf', block: 'host replication r 10.0.0.0/24 md5' },
      before: [fileReply({ content: 'local all all peer\n' }), writeOk],
      after: [fileReply({ content: `local all all peer\n${block}` })],
      expect: { changed: true, message: /^Block inserted$/, applies: [/mktemp/] },
    },
    {
      name: 'the same block is no change',
      args: { path: '/etc/pg_hba.conf', content: 'host replication r 10.0.0.0/24 md5\n' },
      before: [fileReply({ content: `local all all peer\n${block}` })],
      expect: { changed: false, message: /already as wanted/ },
    },
    {
      name: 'updates the block where it is',
      args: { dest: '/etc/pg_hba.conf', block: 'x' },
      before: [fileReply({ content: `a\n${block}b\n` }), writeOk],
      after: [fileReply({ content: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nb\n' })],
      expect: { changed: true, message: /^Block inserted$/ },
    },
    {
      name: 'state absent removes it',
      args: { path: '/etc/pg_hba.conf', state: 'absent' },
      before: [fileReply({ content: `a\n${block}` }), writeOk],
      after: [fileReply({ content: 'a\n' })],
      expect: { changed: true, message: /^Block removed$/ },
    },
    {
      name: 'insertbefore BOF with custom markers',
      args: { path: '/etc/x', block: 'k=v', insertbefore: 'BOF', marker: '// {mark} tsplay', marker_begin: 'START', marker_end: 'STOP' },
      before: [fileReply({ content: 'a\n' }), writeOk],
      after: [fileReply({ content: '// START tsplay\nk=v\n// STOP tsplay\na\n' })],
      expect: { changed: true, message: /^Block inserted$/ },
    },
    {
      name: 'create: a missing file is created with its folder',
      args: { path: '/etc/new/x', block: 'k=v', create: true },
      before: [fileReply({ kind: 'absent' }), writeOk, anyOk],
      after: [fileReply({ content: '# BEGIN ANSIBLE MANAGED BLOCK\nk=v\n# END ANSIBLE MANAGED BLOCK\n' })],
      expect: { changed: true, message: /^File created$/, applies: [/mkdir -p -- .*\/etc\/new\/x/] },
    },
    {
      name: 'a missing file without create fails',
      args: { path: '/etc/none', block: 'x' },
      before: [fileReply({ kind: 'absent' })],
      expect: { changed: false, error: /^Path \/etc\/none does not exist !$/ },
    },
    {
      name: 'insertafter and insertbefore together are refused',
      args: { path: '/etc/x', block: 'x', insertafter: 'a', insertbefore: 'b' },
      before: [fileReply({ content: 'a\n' })],
      expect: { changed: false, error: /mutually exclusive/ },
    },
  ],
};

export default cases;
