// Lines of an authorized_keys file: [options] keytype base64-blob [comment], as sshd(8)
// reads them. Keys are identified by their blob; options and comment may differ.

export interface KeyLine {
  options: string;
  type: string;
  blob: string;
  comment: string;
}

const KEY_TYPE = /^(ssh-(rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)(-cert-v01@openssh\.com)?$/;
const BLOB = /^[A-Za-z0-9+/]+={0,3}$/;

/** Words of a line with their offsets; a double-quoted part (command="a b") stays in its word. */
function words(text: string): { word: string; start: number; end: number }[] {
  const out: { word: string; start: number; end: number }[] = [];
  const re = /(?:[^\s"]|"(?:[^"\\]|\\.)*")+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ word: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

/** Parses one line; undefined for blank lines, comments and anything that is not a key. */
export function parseKeyLine(line: string): KeyLine | undefined {
  const text = line.trim();
  if (!text || text.startsWith('#')) return undefined;
  const w = words(text);
  for (let i = 0; i + 1 < w.length; i++) {
    if (KEY_TYPE.test(w[i]!.word) && BLOB.test(w[i + 1]!.word)) {
      return {
        options: text.slice(0, w[i]!.start).trim(),
        type: w[i]!.word,
        blob: w[i + 1]!.word,
        comment: text.slice(w[i + 1]!.end).trim(),
      };
    }
  }
  return undefined;
}

export function formatKeyLine(k: KeyLine): string {
  return [k.options, k.type, k.blob, k.comment].filter(Boolean).join(' ');
}

/** An existing line is as wanted: same key and options, and the wanted comment if it names one. */
export function satisfies(existing: KeyLine, wanted: KeyLine): boolean {
  return existing.blob === wanted.blob && existing.options === wanted.options && (wanted.comment === '' || existing.comment === wanted.comment);
}
