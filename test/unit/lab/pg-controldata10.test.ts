// The bookworm-pg10 flavour's emulated pg_controldata (lab/pg-controldata10.ts) on a control file
// laid out as PostgreSQL 10 writes it; the release matrix compares it with a live server too.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgControldata10Script } from '../../../lab/pg-controldata10.js';

function controlFile(version: number): Buffer {
  const b = Buffer.alloc(8192);
  b.writeBigUInt64LE(7714600956883570705n, 0); // system_identifier
  b.writeUInt32LE(version, 8); // pg_control_version
  b.writeUInt32LE(201707211, 12); // catalog_version_no
  b.writeUInt32LE(1, 16); // state: DB_SHUTDOWNED
  b.writeBigUInt64LE(0x1_0000_0028n, 32); // checkPoint
  b.writeBigUInt64LE(0x5_0000_0000n, 40); // prevCheckPoint
  b.writeBigUInt64LE(0x1_00ab_cdefn, 48); // checkPointCopy.redo
  b.writeUInt32LE(3, 56); // checkPointCopy.ThisTimeLineID
  b.writeUInt32LE(2, 60); // checkPointCopy.PrevTimeLineID
  return b;
}

function controldata(version: number) {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-controldata-'));
  try {
    mkdirSync(join(dir, 'global'));
    writeFileSync(join(dir, 'global/pg_control'), controlFile(version));
    writeFileSync(join(dir, 'pg_controldata'), pgControldata10Script(), { mode: 0o755 });
    return spawnSync(join(dir, 'pg_controldata'), [dir], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('lab: PostgreSQL 10 pg_controldata (emulated)', () => {
  it("prints the lines the playbooks read, in pg_controldata's words, from 10's layout", () => {
    const r = controldata(1002);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^Database system identifier: +7714600956883570705$/m)
      .and.match(/^Database cluster state: +shut down$/m)
      .and.match(/^Latest checkpoint location: +1\/28$/m)
      .and.match(/^Latest checkpoint's REDO location: +1\/ABCDEF$/m)
      .and.match(/^Latest checkpoint's TimeLineID: +3$/m)
      .and.match(/^pg_control version number: +1002$/m);
  });

  it("refuses another version's control file (11+ moved the checkpoint copy)", () => {
    const r = controldata(1100);
    expect(r.status).to.equal(1);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.include("pg_control version 1100 is not PostgreSQL 10's (1002)");
  });
});
