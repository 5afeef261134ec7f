import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { writeTransaction } from './write-lock';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { UsageError } from '../util/errors';
import { sha256 } from '../util/hash';
import { nowIso } from '../util/time';
import { appendAudit } from './audit';
import type { Database } from './database';

export const StaffRole = z.enum(['admin', 'coordinator', 'analyst']);
export type StaffRole = z.infer<typeof StaffRole>;

export const StaffName = z
  .string()
  .regex(/^[A-Za-z0-9._@-]{1,64}$/, 'a name is 1–64 letters, digits, dots, dashes, underscores or @');

export const Staff = z.object({ id: z.string(), name: z.string(), role: StaffRole });
export type Staff = z.infer<typeof Staff>;

/** Failed sign-ins in a row that lock an account, and for how long. */
export const LOCKOUT = { attempts: 5, minutes: 15 };
const SESSION_HOURS = 12;
const SCRYPT: ScryptOptions = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

function scryptAsync(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, 32, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** "scrypt$N$r$p$salt$hash", so a later change of cost parameters still verifies old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const want = Buffer.from(hash, 'base64url');
  const got = await scryptAsync(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return got.length === want.length && timingSafeEqual(got, want);
}

export async function addStaff(
  db: Kysely<Database>,
  actor: string,
  s: { name: string; role: StaffRole; password: string },
): Promise<Staff> {
  const name = StaffName.safeParse(s.name);
  if (!name.success) throw new UsageError(`--name: ${name.error.issues[0]!.message}, got "${s.name}"`);
  if (s.password.length < 12) throw new UsageError('the password must be at least 12 characters long');
  const password_hash = await hashPassword(s.password);
  return writeTransaction(db, async (trx) => {
    const taken = await trx.selectFrom('staff').select('id').where('name', '=', s.name).executeTakeFirst();
    if (taken) throw new UsageError(`there is already a staff account named "${s.name}"`);
    const at = nowIso();
    const id = `staff-${randomBytes(6).toString('hex')}`;
    await trx
      .insertInto('staff')
      .values({ id, name: s.name, role: s.role, password_hash, failed_attempts: 0, locked_until: null, created_at: at })
      .execute();
    await appendAudit(trx, {
      actor,
      entity: 'staff',
      entityId: id,
      action: 'insert',
      before: null,
      after: { name: s.name, role: s.role },
      at,
    });
    return { id, name: s.name, role: s.role };
  });
}

/** Sets a new password (and unlocks the account); audited without either hash. */
export async function setStaffPassword(
  db: Kysely<Database>,
  actor: string,
  name: string,
  password: string,
): Promise<void> {
  if (password.length < 12) throw new UsageError('the password must be at least 12 characters long');
  const password_hash = await hashPassword(password);
  await writeTransaction(db, async (trx) => {
    const row = await trx.selectFrom('staff').select('id').where('name', '=', name).executeTakeFirst();
    if (!row) throw new UsageError(`there is no staff account named "${name}"`);
    await trx
      .updateTable('staff')
      .set({ password_hash, failed_attempts: 0, locked_until: null })
      .where('id', '=', row.id)
      .execute();
    // Whoever knew the old password may still hold a signed-in cookie; a reset ends those sessions.
    await trx.deleteFrom('staff_sessions').where('staff_id', '=', row.id).execute();
    await appendAudit(trx, {
      actor,
      entity: 'staff',
      entityId: row.id,
      action: 'update',
      before: null,
      after: { password: 'changed' },
    });
  });
}

/** Staff accounts with their roles and whether they are locked now, by name; never a hash. */
export async function listStaff(
  db: Kysely<Database>,
  now = nowIso(),
): Promise<(Staff & { locked: boolean; createdAt: string })[]> {
  const rows = await db
    .selectFrom('staff')
    .select(['id', 'name', 'role', 'locked_until', 'created_at'])
    .orderBy('name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role as StaffRole,
    locked: !!r.locked_until && r.locked_until > now,
    createdAt: r.created_at,
  }));
}

/**
 * Changes an account's role, audited with before and after. The last admin cannot be demoted: nobody could
 * manage accounts from the server afterwards.
 */
export async function setStaffRole(db: Kysely<Database>, actor: string, name: string, role: StaffRole): Promise<void> {
  await writeTransaction(db, async (trx) => {
    const row = await trx.selectFrom('staff').select(['id', 'role']).where('name', '=', name).executeTakeFirst();
    if (!row) throw new UsageError(`there is no staff account named "${name}"`);
    if (row.role === role) return;
    if (row.role === 'admin') {
      const admins = await trx
        .selectFrom('staff')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', 'admin')
        .executeTakeFirstOrThrow();
      if (Number(admins.n) <= 1) throw new UsageError(`${name} is the only admin; make another admin first`);
    }
    await trx.updateTable('staff').set({ role }).where('id', '=', row.id).execute();
    await appendAudit(trx, {
      actor,
      entity: 'staff',
      entityId: row.id,
      action: 'update',
      before: { name, role: row.role },
      after: { name, role },
    });
  });
}

export async function countStaff(db: Kysely<Database>): Promise<number> {
  const r = await db
    .selectFrom('staff')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Whether a staff account of this name exists. */
export async function staffExists(db: Kysely<Database>, name: string): Promise<boolean> {
  return (await db.selectFrom('staff').select('id').where('name', '=', name).executeTakeFirst()) !== undefined;
}

export type SignInResult = { ok: true; staff: Staff } | { ok: false; reason: 'invalid' | 'locked' };

// Verified against when the name is unknown, so a wrong name costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;

/** Checks a name and password; repeated failures lock the account for a while, a success clears the count. */
export async function signIn(
  db: Kysely<Database>,
  name: string,
  password: string,
  now = nowIso(),
): Promise<SignInResult> {
  const row = await db.selectFrom('staff').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verifyPassword(password, await dummyHash);
    return { ok: false, reason: 'invalid' };
  }
  if (row.locked_until && row.locked_until > now) return { ok: false, reason: 'locked' };
  if (await verifyPassword(password, row.password_hash)) {
    await db.updateTable('staff').set({ failed_attempts: 0, locked_until: null }).where('id', '=', row.id).execute();
    return { ok: true, staff: { id: row.id, name: row.name, role: row.role as StaffRole } };
  }
  const failed = row.failed_attempts + 1;
  const lock = failed >= LOCKOUT.attempts;
  await db
    .updateTable('staff')
    .set({
      failed_attempts: lock ? 0 : failed,
      locked_until: lock ? new Date(Date.parse(now) + LOCKOUT.minutes * 60_000).toISOString() : row.locked_until,
    })
    .where('id', '=', row.id)
    .execute();
  return { ok: false, reason: lock ? 'locked' : 'invalid' };
}

/** A new sign-in session; the returned token goes into the cookie, only its hash into the store. */
export async function startStaffSession(db: Kysely<Database>, staffId: string, now = nowIso()): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('staff_sessions')
    .values({
      token_hash: sha256(token),
      staff_id: staffId,
      created_at: now,
      expires_at: new Date(Date.parse(now) + SESSION_HOURS * 3_600_000).toISOString(),
    })
    .execute();
  return token;
}

export async function staffForSession(db: Kysely<Database>, token: string, now = nowIso()): Promise<Staff | undefined> {
  const row = await db
    .selectFrom('staff_sessions')
    .innerJoin('staff', 'staff.id', 'staff_sessions.staff_id')
    .select(['staff.id', 'staff.name', 'staff.role', 'staff_sessions.expires_at'])
    .where('staff_sessions.token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!row || row.expires_at <= now) return undefined;
  return { id: row.id, name: row.name, role: row.role as StaffRole };
}

export async function endStaffSession(db: Kysely<Database>, token: string): Promise<void> {
  await db.deleteFrom('staff_sessions').where('token_hash', '=', sha256(token)).execute();
}
