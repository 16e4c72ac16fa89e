// What PostgreSQL 9.6 (Astra Linux SE 1.6) still differs in from the PostgreSQL 10 the lab can
// run, each difference named and checked in what the playbooks and modules generate. 10 shares
// the pre-12 path with 9.6 (recovery.conf, trigger_file) and is proven live; these are not.
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { primaryScript, rsyncExcludes } from '../../modules/lib/base-backup.js';
import { REPO } from '../support/cli.js';

const spec = (version: number) => ({ version, port: 5432, label: 'l', destination: 'postgres@10.0.0.2:/d/', keep: [] });

/** Functions PostgreSQL 10 renamed: 10+ name → 9.6 name (9.6 has only the old ones). */
const RENAMED_IN_10: Record<string, string> = {
  pg_current_wal_lsn: 'pg_current_xlog_location',
  pg_current_wal_insert_lsn: 'pg_current_xlog_insert_location',
  pg_current_wal_flush_lsn: 'pg_current_xlog_flush_location',
  pg_walfile_name: 'pg_xlogfile_name',
  pg_walfile_name_offset: 'pg_xlogfile_name_offset',
  pg_switch_wal: 'pg_switch_xlog',
  pg_last_wal_receive_lsn: 'pg_last_xlog_receive_location',
  pg_last_wal_replay_lsn: 'pg_last_xlog_replay_location',
  pg_wal_lsn_diff: 'pg_xlog_location_diff',
  pg_is_wal_replay_paused: 'pg_is_xlog_replay_paused',
  pg_wal_replay_pause: 'pg_xlog_replay_pause',
  pg_wal_replay_resume: 'pg_xlog_replay_resume',
};

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else if (/\.(ts|yml|ejs|j2)$/.test(name)) out.push(p);
  }
  return out;
}

describe('PostgreSQL 9.6 versus 10: each remaining difference', () => {
  it('pg_xlog (9.6) / pg_wal (10+): the base backup leaves out both WAL directories', () => {
    expect(rsyncExcludes(9.6, [])).to.include.members(['/pg_xlog/*', '/pg_wal/*']);
    expect(rsyncExcludes(10, [])).to.include.members(['/pg_xlog/*', '/pg_wal/*']);
  });

  it('*_xlog_* functions (9.6) renamed *_wal_* in 10: a file that uses one name also has the other (a version switch)', () => {
    const unpaired: string[] = [];
    for (const f of ['playbooks', 'modules', 'templates'].flatMap((d) => files(join(REPO, d)))) {
      const text = readFileSync(f, 'utf8');
      for (const [v10, v96] of Object.entries(RENAMED_IN_10)) {
        const has10 = new RegExp(`\\b${v10}\\b`).test(text);
        const has96 = new RegExp(`\\b${v96}\\b`).test(text);
        if (has10 !== has96) unpaired.push(`${f}: ${has10 ? v10 : v96} without ${has10 ? v96 : v10}`);
      }
    }
    expect(unpaired).to.deep.equal([]);
  });

  it('9.6: an exclusive backup (pg_start_backup(label, true), pg_stop_backup()); 10: non-exclusive with the label from pg_stop_backup(false)', () => {
    const s96 = primaryScript(spec(9.6));
    expect(s96).to.include("pg_start_backup('l', true) AS start_lsn").and.include('SELECT pg_stop_backup() AS stop_lsn');
    const s10 = primaryScript(spec(10));
    expect(s10).to.include("pg_start_backup('l', true, false)").and.include('SELECT labelfile FROM pg_stop_backup(false);');
    // 9.6's backup_label is copied with the data directory; 10's comes from the stop function.
    expect(rsyncExcludes(9.6, [])).to.not.include('/backup_label');
    expect(rsyncExcludes(10, [])).to.include('/backup_label');
  });

  it('9.6: md5 in pg_hba.conf (no SCRAM before 10)', () => {
    const vars = readFileSync(join(REPO, 'inventory/group_vars/all.yml'), 'utf8');
    expect(vars).to.match(/^pg_hba_method: .*'scram-sha-256' if pg_version_num >= 10 else 'md5'/m);
  });

  it("pgpool-II 3.6 (9.6's): fail_over_on_backend_error, master_slave_mode, socket_dir and the check passwords in pgpool.conf", () => {
    const conf = readFileSync(join(REPO, 'test/playbooks/golden/9.6/pgpool.conf'), 'utf8');
    for (const name of ['fail_over_on_backend_error', 'master_slave_mode', 'master_slave_sub_mode', 'socket_dir', 'sr_check_password', 'health_check_password']) {
      expect(conf, name).to.match(new RegExp(`^${name} = `, 'm'));
    }
    expect(conf).to.not.match(/^(failover_on_backend_error|backend_clustering_mode|backend_application_name\d) = /m);
  });
});
