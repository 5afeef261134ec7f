import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { RatingOutcome } from '../schemas/rating';
import type { Database } from './database';
import { cacheRowOutcome, cachedOutcome } from './rating-cache';
import type { Study } from './study';
import { sleep } from '../util/time';
import { writeTransaction } from './write-lock';

/**
 * Leases on rating-cache keys, so that however many runs share a study each key is asked of a provider once: a
 * run claims a key before asking, renews the claim while it asks, and releases it once the answer is stored (or
 * the request failed, so another run may try). A run meeting a key another live run holds waits for that run's
 * answer. A holder that dies leaves its lease to expire; one on this machine whose process is gone is taken over
 * at once. Nothing here knows what is asked or of whom: a key is a key.
 */
export interface LeaseOptions {
  /** Who holds the lease: newLeaseHolder() once per run. */
  holder: string;
  /** How long a claim lasts without renewal; renewed every third of it while held. */
  ttlMs: number;
  /** How often a waiting run looks whether the holder answered or let go. */
  pollMs: number;
  /** The clock (tests inject one). */
  now: () => number;
  /** Whether another holder still runs; false lets its lease be taken over before it expires. */
  isAlive: (holder: string) => boolean;
}

export const DEFAULT_LEASE_OPTIONS: Omit<LeaseOptions, 'holder'> = {
  ttlMs: 60_000,
  pollMs: 250,
  now: Date.now,
  isAlive: holderProcessAlive,
};

/** A run's holder name: this machine, this process, and a nonce (a process may run several rate runs). */
export function newLeaseHolder(): string {
  return `${hostname()}#${process.pid}#${randomUUID()}`;
}

/**
 * A holder on this machine is alive while its process is; one elsewhere is presumed alive until its lease
 * expires (no way to look from here).
 */
export function holderProcessAlive(holder: string): boolean {
  const [host, pid] = holder.split('#');
  if (host !== hostname() || !pid || !/^\d+$/.test(pid)) return true;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type ClaimResult =
  | { kind: 'claimed' }
  | { kind: 'answered'; outcome: RatingOutcome }
  | { kind: 'held'; holder: string; expiresAt: string };

/**
 * In one write transaction: the cached answer if there is one (unless `ignoreCache`), else the lease for this
 * holder if the key is free, expired, its holder dead, or already this holder's; else who holds it.
 */
export async function claimCacheKey(
  db: Kysely<Database>,
  key: string,
  opts: Pick<LeaseOptions, 'holder' | 'ttlMs' | 'now' | 'isAlive'>,
  ignoreCache = false,
): Promise<ClaimResult> {
  const answered = async (trx: Kysely<Database>): Promise<ClaimResult | undefined> => {
    if (ignoreCache) return undefined;
    const row = await trx.selectFrom('rating_cache').selectAll().where('key', '=', key).executeTakeFirst();
    return row ? { kind: 'answered', outcome: cacheRowOutcome(row) } : undefined;
  };
  return writeTransaction(db, async (trx) => {
    const before = await answered(trx);
    if (before) return before;
    const now = opts.now();
    const lease = await trx.selectFrom('rating_cache_leases').selectAll().where('key', '=', key).executeTakeFirst();
    if (lease && !claimable(lease, opts.holder, now, opts.isAlive))
      return { kind: 'held', holder: lease.holder, expiresAt: lease.expires_at };
    const row = { key, holder: opts.holder, expires_at: iso(now + opts.ttlMs) };
    // Compare-and-set, so two claims racing on PostgreSQL (where this transaction does not serialise writers, as
    // SQLite's IMMEDIATE one does) give the key to one of them.
    if (!lease)
      await trx
        .insertInto('rating_cache_leases')
        .values(row)
        .onConflict((oc) => oc.doNothing())
        .execute();
    else
      await trx
        .updateTable('rating_cache_leases')
        .set({ holder: row.holder, expires_at: row.expires_at })
        .where('key', '=', key)
        .where('holder', '=', lease.holder)
        .where('expires_at', '=', lease.expires_at)
        .execute();
    const got = await trx.selectFrom('rating_cache_leases').selectAll().where('key', '=', key).executeTakeFirst();
    if (got?.holder !== opts.holder)
      return { kind: 'held', holder: got?.holder ?? '', expiresAt: got?.expires_at ?? row.expires_at };
    // On PostgreSQL an answer may have been stored, and its lease released, since the first look.
    const after = await answered(trx);
    if (after) {
      await trx.deleteFrom('rating_cache_leases').where('key', '=', key).where('holder', '=', opts.holder).execute();
      return after;
    }
    return { kind: 'claimed' };
  });
}

/** Extends this holder's lease; false when it no longer holds it (it expired and another run took it). */
export async function renewCacheLease(
  db: Kysely<Database>,
  key: string,
  opts: Pick<LeaseOptions, 'holder' | 'ttlMs' | 'now'>,
): Promise<boolean> {
  const r = await writeTransaction(db, (trx) =>
    trx
      .updateTable('rating_cache_leases')
      .set({ expires_at: iso(opts.now() + opts.ttlMs) })
      .where('key', '=', key)
      .where('holder', '=', opts.holder)
      .executeTakeFirst(),
  );
  return Number(r.numUpdatedRows) > 0;
}

/** Lets go of this holder's lease (another holder's is left alone). */
export async function releaseCacheLease(db: Kysely<Database>, key: string, holder: string): Promise<void> {
  await writeTransaction(db, (trx) =>
    trx.deleteFrom('rating_cache_leases').where('key', '=', key).where('holder', '=', holder).execute(),
  );
}

/** A held lease, renewed in the background until released. */
export interface CacheLease {
  key: string;
  release(): Promise<void>;
}

export type CacheTurn =
  | { kind: 'claimed'; lease: CacheLease }
  | { kind: 'answered'; outcome: RatingOutcome }
  /** Another live run holds the key, and the caller asked not to wait. */
  | { kind: 'held' }
  | { kind: 'aborted' };

/**
 * A run's turn at a key: the cached answer (now, or once the run holding the key stores it), or the lease to
 * ask for it. `ignoreCache` (a re-asking run) skips an answer stored before it came, but still takes the answer of
 * a run it waited for rather than asking the same thing at the same time. With `wait: false` a key another run
 * holds is answered 'held' at once, so the caller can do other work first.
 */
export async function awaitCacheTurn(
  study: Pick<Study, 'db' | 'sqlite'>,
  key: string,
  opts: LeaseOptions & { ignoreCache?: boolean; wait?: boolean; signal?: AbortSignal },
): Promise<CacheTurn> {
  let waited = false;
  for (;;) {
    if (opts.signal?.aborted) return { kind: 'aborted' };
    const claim = await claimCacheKey(study.db, key, opts, opts.ignoreCache && !waited);
    if (claim.kind === 'answered') return claim;
    if (claim.kind === 'claimed') return { kind: 'claimed', lease: holdLease(study.db, key, opts) };
    if (opts.wait === false) return { kind: 'held' };
    waited = true;
    // Reads while waiting; the next claim (a write) only once the answer is there or the lease looks free.
    for (;;) {
      await sleep(opts.pollMs, opts.signal);
      if (opts.signal?.aborted) return { kind: 'aborted' };
      const answer = await cachedOutcome(study, key);
      if (answer) return { kind: 'answered', outcome: answer };
      const lease = await study.db
        .selectFrom('rating_cache_leases')
        .selectAll()
        .where('key', '=', key)
        .executeTakeFirst();
      if (!lease || claimable(lease, opts.holder, opts.now(), opts.isAlive)) break;
    }
  }
}

function holdLease(db: Kysely<Database>, key: string, opts: LeaseOptions): CacheLease {
  // A failed renewal (a long-busy store) is not fatal: at worst the lease lapses and another run asks too.
  const timer = setInterval(() => void renewCacheLease(db, key, opts).catch(() => {}), opts.ttlMs / 3);
  timer.unref();
  let released = false;
  return {
    key,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await releaseCacheLease(db, key, opts.holder);
    },
  };
}

function claimable(
  lease: { holder: string; expires_at: string },
  holder: string,
  now: number,
  isAlive: (h: string) => boolean,
): boolean {
  return lease.holder === holder || lease.expires_at <= iso(now) || !isAlive(lease.holder);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
