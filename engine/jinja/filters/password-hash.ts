// Ansible's password_hash for the crypt(3) schemes Linux uses: SHA-512 ($6$) and SHA-256 ($5$)
// crypt, as Ulrich Drepper's specification defines them (glibc, Python's crypt, passlib). A salt
// must be given: a random one would change the hash, and so the file, on every run.
import { createHash } from 'node:crypto';
import { TemplateError } from '../values.js';

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// The byte order of the encoded digest (glibc's b64_from_24bit calls), as [B2, B1, B0] triples.
const ORDER: Record<'sha256' | 'sha512', number[][]> = {
  sha512: [
    [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10],
    [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
  ],
  sha256: [[0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29]],
};

function b64(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < n; i++, w >>= 6) out += ALPHABET[w & 0x3f];
  return out;
}

function repeatTo(digest: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = digest[i % digest.length]!;
  return out;
}

export function shaCrypt(algo: 'sha256' | 'sha512', password: string, saltText: string, rounds?: number): string {
  const P = Buffer.from(password, 'utf8');
  const S = Buffer.from(saltText.slice(0, 16), 'utf8');
  const n = rounds === undefined ? 5000 : Math.min(999_999_999, Math.max(1000, rounds));
  const H = () => createHash(algo);
  const size = algo === 'sha512' ? 64 : 32;
  const B = H().update(P).update(S).update(P).digest();
  const a = H().update(P).update(S);
  let i: number;
  for (i = P.length; i > size; i -= size) a.update(B);
  a.update(B.subarray(0, i));
  for (i = P.length; i > 0; i >>= 1) a.update(i & 1 ? B : P);
  const A = a.digest();
  const dp = H();
  for (i = 0; i < P.length; i++) dp.update(P);
  const Pp = repeatTo(dp.digest(), P.length);
  const ds = H();
  for (i = 0; i < 16 + A[0]!; i++) ds.update(S);
  const Sp = repeatTo(ds.digest(), S.length);
  let C = A;
  for (let r = 0; r < n; r++) {
    const h = H();
    h.update(r & 1 ? Pp : C);
    if (r % 3) h.update(Sp);
    if (r % 7) h.update(Pp);
    h.update(r & 1 ? C : Pp);
    C = h.digest();
  }
  let enc = ORDER[algo].map(([x, y, z]) => b64(C[x!]!, C[y!]!, C[z!]!, 4)).join('');
  enc += algo === 'sha512' ? b64(0, 0, C[63]!, 2) : b64(0, C[31]!, C[30]!, 3);
  const id = algo === 'sha512' ? '6' : '5';
  return `$${id}$${rounds === undefined ? '' : `rounds=${n}$`}${S.toString('utf8')}$${enc}`;
}

export function passwordHash(password: string, scheme: string, salt: unknown, rounds: unknown): string {
  const algo = scheme === 'sha512' || scheme === 'sha512_crypt' ? 'sha512' : scheme === 'sha256' || scheme === 'sha256_crypt' ? 'sha256' : undefined;
  if (!algo) throw new TemplateError(`password_hash: unsupported scheme '${scheme}' (tsplay has sha512 and sha256)`);
  if (salt === undefined || salt === null) throw new TemplateError('password_hash needs a salt in tsplay: a random salt would change the hash on every run');
  if (!/^[./0-9A-Za-z]+$/.test(String(salt))) throw new TemplateError(`password_hash: invalid characters in salt '${String(salt)}'`);
  return shaCrypt(algo, password, String(salt), rounds === undefined || rounds === null ? undefined : Number(rounds));
}
