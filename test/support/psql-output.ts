// psql's output as the PostgreSQL modules ask for it (unaligned, NUL between fields, 0x1e between
// records, 0x1d for NULL, "(N rows)" footers, command tags on their own lines), for fixture cases.
const RS = '\u001e';

/** One row set: header, records, footer. */
export function psqlRows(columns: string[], rows: (string | null)[][]): string {
  const records = [columns.join('\0'), ...rows.map((r) => r.map((v) => (v === null ? '\u001d' : v)).join('\0'))];
  return `${records.join(RS)}${RS}(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})\n`;
}

/** Command tags, one per line ("CREATE TABLE", "INSERT 0 1"). */
export function psqlTags(...tags: string[]): string {
  return tags.map((t) => `${t}\n`).join('');
}
