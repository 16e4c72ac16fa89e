// The record of the running lab (release and hosts), written once `lab up` has finished.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { LabHost } from './addresses.js';
import type { Release } from './base-image.js';
import { LAB_FILE } from './paths.js';

export interface LabRecord {
  release: Release;
  hosts: LabHost[];
}

export function readLab(): LabRecord | undefined {
  try {
    return JSON.parse(readFileSync(LAB_FILE, 'utf8')) as LabRecord;
  } catch {
    return undefined;
  }
}

/** Written with a rename, so readers never see half a file. */
export function writeFileAtomic(path: string, content: string, mode = 0o644): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode });
  renameSync(tmp, path);
}

export function writeLab(rec: LabRecord): void {
  writeFileAtomic(LAB_FILE, `${JSON.stringify(rec, null, 2)}\n`);
}
