// PostgreSQL password verifiers computed on the controller, so that a password is compared with
// what pg_authid stores, and set as a verifier, without ever leaving the tsplay process.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const md5Hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/** The md5 verifier: 'md5' + md5(password || rolname). */
export function md5Verifier(password: string, rolname: string): string {
  return `md5${md5Hex(password + rolname)}`;
}

/** PostgreSQL's default number of SCRAM iterations (scram_iterations, 16+, defaults to it too). */
export const SCRAM_ITERATIONS = 4096;

/** A SCRAM-SHA-256 verifier as PostgreSQL stores it: SCRAM-SHA-256$iter:salt$StoredKey:ServerKey. */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = SCRAM_ITERATIONS): string {
  const { storedKey, serverKey } = scramKeys(password, salt, iterations);
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

function scramKeys(password: string, salt: Buffer, iterations: number): { storedKey: Buffer; serverKey: Buffer } {
  const salted = pbkdf2Sync(Buffer.from(saslprep(password), 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  return {
    storedKey: createHash('sha256').update(clientKey).digest(),
    serverKey: createHmac('sha256', salted).update('Server Key').digest(),
  };
}

const SCRAM = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;

export type VerifierKind = 'md5' | 'scram-sha-256' | 'plain' | 'none';

export function verifierKind(stored: string | null): VerifierKind {
  if (stored === null || stored === '') return 'none';
  if (/^md5[0-9a-f]{32}$/.test(stored)) return 'md5';
  if (SCRAM.test(stored)) return 'scram-sha-256';
  return 'plain';
}

/** Whether a stored verifier (pg_authid.rolpassword) is the one of this password. */
export function verifierMatches(stored: string | null, password: string, rolname: string): boolean {
  switch (verifierKind(stored)) {
    case 'md5':
      return stored === md5Verifier(password, rolname);
    case 'scram-sha-256': {
      const [, iter, salt, stored64, server64] = SCRAM.exec(stored!)!;
      const keys = scramKeys(password, Buffer.from(salt!, 'base64'), Number(iter));
      const wantStored = Buffer.from(stored64!, 'base64');
      const wantServer = Buffer.from(server64!, 'base64');
      return (
        wantStored.length === keys.storedKey.length &&
        wantServer.length === keys.serverKey.length &&
        timingSafeEqual(wantStored, keys.storedKey) &&
        timingSafeEqual(wantServer, keys.serverKey)
      );
    }
    case 'plain':
      // PostgreSQL 9.6 with password_encryption = off stores the password itself.
      return stored === password;
    default:
      return false;
  }
}

// SASLprep (RFC 4013) as PostgreSQL's pg_saslprep applies it before SCRAM hashing: pure ASCII is
// kept as is; otherwise non-ASCII spaces become spaces, "mapped to nothing" characters go, the
// string is NFKC-normalized, and when prohibited characters or a bidi violation remain the raw
// password is used instead (as PostgreSQL does). Unassigned code points are judged by the
// current Unicode version rather than 3.2's table.
const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/gu;
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B-\u180D\u200C\u200D\u2060\uFE00-\uFE0F\uFEFF]/gu;
const PROHIBITED =
  /[\u0000-\u001F\u007F-\u009F\u00A0\u0340\u0341\u06DD\u070F\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2063\u206A-\u206F\u2FF0-\u2FFB\u3000\uD800-\uDFFF\uE000-\uF8FF\uFDD0-\uFDEF\uFEFF\uFFF9-\uFFFF]|[\u{1D173}-\u{1D17A}\u{E0001}\u{E0020}-\u{E007F}\u{F0000}-\u{10FFFF}]|\p{Cn}/u;
const NONCHARACTER_PLANE_END = /[\u{1FFFE}\u{1FFFF}\u{2FFFE}\u{2FFFF}\u{3FFFE}\u{3FFFF}\u{4FFFE}\u{4FFFF}\u{5FFFE}\u{5FFFF}\u{6FFFE}\u{6FFFF}\u{7FFFE}\u{7FFFF}\u{8FFFE}\u{8FFFF}\u{9FFFE}\u{9FFFF}\u{AFFFE}\u{AFFFF}\u{BFFFE}\u{BFFFF}\u{CFFFE}\u{CFFFF}\u{DFFFE}\u{DFFFF}\u{EFFFE}\u{EFFFF}]/u;
const RAND_AL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFC]|[\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/u;

export function saslprep(password: string): string {
  if (/^[\x00-\x7F]*$/.test(password)) return password;
  const mapped = password.replace(NON_ASCII_SPACE, ' ').replace(MAPPED_TO_NOTHING, '').normalize('NFKC');
  if (PROHIBITED.test(mapped) || NONCHARACTER_PLANE_END.test(mapped)) return password;
  const chars = [...mapped];
  if (chars.some((c) => RAND_AL.test(c))) {
    const hasL = chars.some((c) => /\p{L}/u.test(c) && !RAND_AL.test(c));
    if (hasL || !RAND_AL.test(chars[0]!) || !RAND_AL.test(chars.at(-1)!)) return password;
  }
  return mapped;
}
