import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The secret that invitation links and short codes are derived from. It lives in the study folder, beside the
 * store but not in it: the database holds only hashes of links and codes, so a copy of the database file opens no
 * form, while `alliance links` can print a cell's link again instead of issuing a new one each time.
 */
export const LINK_KEY_FILE = '.link-key';

export function readLinkKey(studyDir: string): Buffer {
  const file = join(studyDir, LINK_KEY_FILE);
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (err) {
    // Another process created it first; read theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
}

/** 32 bytes (256 bits) of HMAC output: unguessable without the key. */
export function linkToken(key: Buffer, invitationId: string): string {
  return createHmac('sha256', key).update(`token\u0000${invitationId}`).digest('base64url');
}

/** Letters and digits that survive being read aloud or typed from paper (no 0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** 8 characters (about 39 bits): enough behind a rate limit, where a link cannot be clicked. */
export function shortCode(key: Buffer, invitationId: string): string {
  const bytes = createHmac('sha256', key).update(`code\u0000${invitationId}`).digest();
  let code = '';
  for (let i = 0; i < 8; i++) code += CODE_ALPHABET[bytes.readUInt32BE(i * 4) % CODE_ALPHABET.length];
  return code;
}

/** What a person may type for a code: any case, spaces and dashes ignored. */
export function normaliseCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}
