// Text that must become bytes (templates) without a silent U+FFFD: strict UTF-8 decoding with
// the place of the first bad byte, and encoding into UTF-8 or a single-byte code page (Latin-1,
// CP1251, KOI8-R… as Astra hosts use) that fails on a character the code page lacks.
import { ModuleError } from '../../sdk/index.js';

/** Line and column (1-based) of a character offset. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence, or -1. */
function firstBadUtf8(b: Buffer): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    // Overlong forms, surrogates and values above U+10FFFF are excluded by the second byte's range.
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined || x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return -1;
}

/** Decodes UTF-8 or fails naming `what` and the first byte that is not UTF-8. */
export function decodeUtf8(bytes: Buffer, what: string): string {
  const bad = firstBadUtf8(bytes);
  if (bad < 0) return bytes.toString('utf8');
  const prefix = bytes.subarray(0, bad).toString('utf8');
  throw new ModuleError(`${what} is not valid UTF-8 (byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} at ${position(prefix, prefix.length)})`);
}

const tables = new Map<string, Map<string, number>>();

/** char → byte of a single-byte encoding, from the decoder that Node (ICU) has for it. */
function singleByteTable(encoding: string): Map<string, number> {
  let t = tables.get(encoding);
  if (t) return t;
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding);
  } catch {
    throw new ModuleError(`unknown encoding '${encoding}' (utf-8, latin1, cp1251, koi8-r, koi8-u, iso-8859-5, cp866 and other single-byte code pages work)`);
  }
  t = new Map();
  for (let b = 0; b < 256; b++) {
    const ch = decoder.decode(Uint8Array.of(b));
    if (ch.length !== 1 || ch === '\ufffd') continue;
    if (!t.has(ch)) t.set(ch, b);
  }
  if (t.size < 200) throw new ModuleError(`encoding '${encoding}' is not a single-byte code page: use utf-8 or a code page such as cp1251`);
  tables.set(encoding, t);
  return t;
}

const isUtf8 = (e: string): boolean => /^utf-?8$/i.test(e);

/** Encodes text in `encoding`; a character it cannot hold is an error naming it and its place in `what`. */
export function encodeText(text: string, encoding: string, what: string): Buffer {
  if (isUtf8(encoding)) return Buffer.from(text, 'utf8');
  const table = singleByteTable(encoding);
  const out = Buffer.alloc(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const b = table.get(text[i]!);
    if (b === undefined) {
      const cp = text.codePointAt(i)!;
      throw new ModuleError(
        `${what} cannot be written in ${encoding}: '${String.fromCodePoint(cp)}' (U+${cp.toString(16).toUpperCase().padStart(4, '0')}) at ${position(text, i)}`,
      );
    }
    out[n++] = b;
  }
  return out.subarray(0, n);
}
