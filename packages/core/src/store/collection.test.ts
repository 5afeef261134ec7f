import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { auditTrail } from './audit';
import {
  collectionCells,
  countCells,
  invitationByCode,
  invitationByToken,
  invitationLog,
  issueLinks,
  markOpened,
  saveDraft,
  submitInvitation,
} from './invitations';
import { readLinkKey } from './link-key';
import { ensureSession, sessionId } from './sessions';
import { addStaff, LOCKOUT, signIn, staffForSession, startStaffSession } from './staff';
import { initStudy, type Study } from './study';
import { storeKinds, useStore } from '../../../../test/support/stores';

const scratch = mkdtempSync(join(tmpdir(), 'collection-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;

async function study(): Promise<Study> {
  const s = await initStudy(
    join(scratch, `s${++n}`),
    {
      name: 'S',
      instruments: [
        { instrument: 'srs', form: 'client', schedule: { every: 1 } },
        { instrument: 'arm-12', form: 'client', schedule: { every: 3, from: 3 } },
      ],
    },
    { actor: 'test' },
  );
  for (const i of [1, 2, 3])
    await ensureSession(s.db, { client: 'C1', therapist: 'T1', session: i, date: `2026-01-0${i}` });
  return s;
}

const version = () => '1.0.0';
const srsScore = [{ scale: 'total', score: 36, pomp: 90, prorated: false, missing: false }];

describe.each(storeKinds)('collection store on %s', (kind) => {
  useStore(kind);
  it('states each scheduled cell and counts due, overdue and missing', async () => {
    const s = await study();
    const cells = await collectionCells(s.db, s.config, '2026-01-05T12:00:00.000Z');
    expect(cells.map((c) => `${c.session} ${c.instrument} ${c.state}`)).toEqual([
      '1 srs expired',
      '1 arm-12 not scheduled',
      '2 srs overdue',
      '2 arm-12 not scheduled',
      '3 srs overdue',
      '3 arm-12 overdue',
    ]);
    expect(countCells(cells)).toEqual({ scheduled: 4, done: 0, due: 0, overdue: 3, missing: 1 });
    await s.close();
  });

  it('stores only hashes; the same cell gives the same link; a GET-style open writes only "opened"', async () => {
    const s = await study();
    const key = readLinkKey(s.dir);
    const now = '2026-01-03T12:00:00.000Z';
    const cells = (await collectionCells(s.db, s.config, now)).filter((c) => c.session === 3);
    const links = await issueLinks(
      s.db,
      key,
      cells.filter((c) => c.state !== 'not scheduled'),
      version,
      now,
    );
    expect(links).toHaveLength(2);
    expect(links[0]!.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(links[0]!.code).toMatch(/^[A-Z2-9]{8}$/);
    const again = await issueLinks(
      s.db,
      key,
      await collectionCells(s.db, s.config, now).then((c) =>
        c.filter((x) => x.session === 3 && x.state !== 'not scheduled'),
      ),
      version,
      now,
    );
    expect(again.map((l) => l.token)).toEqual(links.map((l) => l.token));

    const inv = (await invitationByToken(s.db, links[0]!.token))!;
    expect(inv).toMatchObject({ client: 'C1', session: 3, instrument: 'srs', form: 'client', completedAt: null });
    expect(
      (await invitationByCode(s.db, `${links[0]!.code.slice(0, 4)}-${links[0]!.code.slice(4).toLowerCase()}`))?.id,
    ).toBe(inv.id);
    const forged = `${links[0]!.token.slice(0, -1)}${links[0]!.token.endsWith('A') ? 'B' : 'A'}`;
    expect(await invitationByToken(s.db, forged)).toBeUndefined();

    await markOpened(s.db, inv.id, now);
    await markOpened(s.db, inv.id, now);
    expect((await invitationLog(s.db)).filter((e) => e.invitation === inv.id).map((e) => e.event)).toEqual([
      'opened',
      'created',
    ]);
    // On PostgreSQL the rows themselves are what a database dump would hold.
    const rows =
      kind === 'postgres'
        ? JSON.stringify([
            await s.db.selectFrom('invitations').selectAll().execute(),
            await s.db.selectFrom('invitation_log').selectAll().execute(),
          ])
        : '';
    await s.close();
    const stored =
      kind === 'postgres'
        ? rows
        : readFileSync(join(s.dir, 'study.sqlite')).toString('latin1') +
          readFileSync(join(s.dir, 'study.sqlite-wal'), { flag: 'a+' }).toString('latin1');
    expect(stored).toContain(inv.id);
    for (const l of links) {
      expect(stored).not.toContain(l.token);
      expect(stored).not.toContain(l.code);
    }
  });

  it("issues the links of a study larger than one statement's parameters allow, and logs each once", async () => {
    const s = await study();
    // 11,000 new invitations: their "created" log rows hold 33,000 parameters, over SQLite's limit of 32,766.
    // Written in bulk: 11,000 ensureSession calls are 55,000 round trips, half a minute on a busy PostgreSQL.
    const at = '2026-01-02T00:00:00.000Z';
    await s.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('therapists')
        .values({ id: 'T1', created_at: at })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const clients = Array.from({ length: 1_100 }, (_, k) => ({ id: `K${k}`, created_at: at }));
      await trx.insertInto('clients').values(clients).execute();
      for (let from = 0; from < 11_000; from += 1_000) {
        const rows = Array.from({ length: 1_000 }, (_, j) => {
          const i = from + j;
          const client = `K${Math.floor(i / 10)}`;
          const session = (i % 10) + 1;
          return {
            id: sessionId(client, session),
            client_id: client,
            therapist_id: 'T1',
            session_index: session,
            date: '2026-01-02',
            created_at: at,
          };
        });
        await trx.insertInto('sessions').values(rows).execute();
      }
    });
    const now = '2026-01-03T12:00:00.000Z';
    const cells = (await collectionCells(s.db, s.config, now)).filter((c) => c.instrument === 'srs');
    const links = await issueLinks(s.db, readLinkKey(s.dir), cells, version, now);
    expect(links).toHaveLength(11_003);
    const logged = await s.db
      .selectFrom('invitation_log')
      .select((e) => [e.fn.countAll<number>().as('n'), e.fn.count<number>('invitation_id').distinct().as('ids')])
      .where('event', '=', 'created')
      .executeTakeFirstOrThrow();
    expect({ n: Number(logged.n), ids: Number(logged.ids) }).toEqual({ n: 11_003, ids: 11_003 });
    await s.close();
  });

  it('stores exactly one response when two submissions race; the draft goes with it', async () => {
    const s = await study();
    const now = '2026-01-03T12:00:00.000Z';
    const cells = (await collectionCells(s.db, s.config, now)).filter((c) => c.session === 3 && c.instrument === 'srs');
    const [link] = await issueLinks(s.db, readLinkKey(s.dir), cells, version, now);
    const inv = (await invitationByToken(s.db, link!.token))!;
    expect(await saveDraft(s.db, inv.id, { '1': '9' }, now)).toBe(true);
    expect((await invitationByToken(s.db, link!.token))!.draft).toEqual({ '1': '9' });
    const items = { '1': 9, '2': 9, '3': 9, '4': 9 };
    const results = await Promise.all([
      submitInvitation(s.db, inv, 'client', items, srsScore, now),
      submitInvitation(s.db, inv, 'client', items, srsScore, now),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['gone', 'stored']);
    expect(await s.db.selectFrom('responses').selectAll().execute()).toHaveLength(1);
    expect(await s.db.selectFrom('scores').selectAll().execute()).toHaveLength(1);
    expect((await auditTrail(s.db, 'response')).map((a) => a.actor)).toEqual(['link:C1']);
    expect((await invitationByToken(s.db, link!.token))!.draft).toBeNull();
    expect(await saveDraft(s.db, inv.id, { '1': '1' }, now)).toBe(false);
    const after = await collectionCells(s.db, s.config, now);
    expect(after.find((c) => c.session === 3 && c.instrument === 'srs')?.state).toBe('done');
    await s.close();
  });

  it('writes the same rows on the raw SQLite fast path as on the kysely path, and exactly one under a race', async () => {
    const s = await study();
    const now = '2026-01-03T12:00:00.000Z';
    const cells = (await collectionCells(s.db, s.config, now)).filter((c) => c.instrument === 'srs');
    const links = await issueLinks(s.db, readLinkKey(s.dir), cells, version, now);
    const inv = async (i: number) => (await invitationByToken(s.db, links[i]!.token))!;
    const items = { '1': 9, '2': 9, '3': 9, '4': 9 };
    const slow = await submitInvitation(s.db, await inv(0), 'client', items, srsScore, now);
    const fastInv = await inv(1);
    const fast = await Promise.all([
      submitInvitation(s.db, fastInv, 'client', items, srsScore, now, s.sqlite),
      submitInvitation(s.db, fastInv, 'client', items, srsScore, now, s.sqlite),
    ]);
    expect(fast.map((r) => r.status).sort()).toEqual(['gone', 'stored']);
    const rows = async (id: string) => {
      // Ids differ by session and row times by the clock; everything else must be the same.
      const strip = (o: object) =>
        JSON.parse(
          JSON.stringify(o)
            .replaceAll(/C1\/[12]/g, 'C1/x')
            .replaceAll(/"(created|updated)_at":"[^"]+"/g, '"$1_at":"T"'),
        );
      return strip({
        response: await s.db.selectFrom('responses').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
        scores: await s.db.selectFrom('scores').selectAll().where('source_id', '=', id).execute(),
        audit: await s.db
          .selectFrom('audit')
          .select(['actor', 'entity', 'action', 'before', 'after'])
          .where('entity_id', '=', id)
          .execute(),
        invitation: await s.db
          .selectFrom('invitations')
          .select(['completed_at', 'response_id', 'draft'])
          .where('response_id', '=', id)
          .executeTakeFirstOrThrow(),
      });
    };
    expect(slow.status).toBe('stored');
    const stored = fast.find((r) => r.status === 'stored') as { responseId: string };
    expect(await rows(stored.responseId)).toEqual(await rows((slow as { responseId: string }).responseId));
    await s.close();
  });

  it('commits submissions of one turn together; one that fails rolls back alone and is never acknowledged', async () => {
    const s = await study();
    const now = '2026-01-03T12:00:00.000Z';
    const links = await issueLinks(s.db, readLinkKey(s.dir), await collectionCells(s.db, s.config, now), version, now);
    const invs = await Promise.all(links.map(async (l) => (await invitationByToken(s.db, l.token, s.sqlite))!));
    expect(invs.map((i) => i.id)).toEqual(
      (await Promise.all(links.map((l) => invitationByToken(s.db, l.token)))).map((i) => i!.id),
    );
    const items = { '1': 9, '2': 9, '3': 9, '4': 9 };
    // A score row without a scale breaks the NOT NULL constraint: that submission fails inside the group.
    const broken = [{ ...srsScore[0]!, scale: null as unknown as string }];
    const [srs1, srs2, srs3] = invs.filter((i) => i.instrument === 'srs');
    const outcomes = await Promise.allSettled([
      submitInvitation(s.db, srs1!, 'client', items, srsScore, now, s.sqlite),
      submitInvitation(s.db, srs2!, 'client', items, broken, now, s.sqlite),
      submitInvitation(s.db, srs3!, 'client', items, srsScore, now, s.sqlite),
      submitInvitation(s.db, srs3!, 'client', items, srsScore, now, s.sqlite),
    ]);
    const statuses = outcomes.map((o) => (o.status === 'fulfilled' ? o.value.status : 'failed'));
    // On SQLite the turn's submissions share one transaction in arrival order, so the first of the two for srs3
    // wins; on PostgreSQL each has its own transaction and either may win, but only one.
    if (kind === 'sqlite') expect(statuses).toEqual(['stored', 'failed', 'stored', 'gone']);
    else expect([...statuses.slice(0, 2), ...statuses.slice(2).sort()]).toEqual(['stored', 'failed', 'gone', 'stored']);
    const responses = await s.db.selectFrom('responses').select('session_id').orderBy('session_id').execute();
    expect(responses.map((r) => r.session_id)).toEqual(['C1/1', 'C1/3']);
    const claimed = await s.db
      .selectFrom('invitations')
      .select(['id', 'completed_at'])
      .where('instrument', '=', 'srs')
      .orderBy('id')
      .execute();
    expect(claimed.map((r) => r.completed_at !== null)).toEqual([true, false, true]);
    expect((await s.db.selectFrom('audit').select('id').where('entity', '=', 'response').execute()).length).toBe(2);
    await s.close();
  });

  it('refuses a submission after expiry and writes nothing', async () => {
    const s = await study();
    const now = '2026-01-03T12:00:00.000Z';
    const cells = (await collectionCells(s.db, s.config, now)).filter((c) => c.session === 3 && c.instrument === 'srs');
    const [link] = await issueLinks(s.db, readLinkKey(s.dir), cells, version, now);
    const inv = (await invitationByToken(s.db, link!.token))!;
    expect(inv.expiresAt).toBe('2026-01-07T00:00:00.000Z');
    const late = await submitInvitation(s.db, inv, 'client', { '1': 1 }, srsScore, '2026-01-07T00:00:00.000Z');
    expect(late.status).toBe('gone');
    expect(await s.db.selectFrom('responses').selectAll().execute()).toHaveLength(0);
    await s.close();
  });

  it('signs staff in, locks an account after repeated failures, and keeps only session hashes', async () => {
    const s = await study();
    const ana = await addStaff(s.db, 'test', { name: 'ana', role: 'coordinator', password: 'correct horse battery' });
    await expect(addStaff(s.db, 'test', { name: 'ana', role: 'admin', password: 'another long one' })).rejects.toThrow(
      'already a staff account named "ana"',
    );
    await expect(addStaff(s.db, 'test', { name: 'bo', role: 'admin', password: 'short' })).rejects.toThrow(
      'at least 12',
    );
    const row = await s.db.selectFrom('staff').selectAll().executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(row.password_hash).not.toContain('correct horse');

    const ok = await signIn(s.db, 'ana', 'correct horse battery');
    expect(ok).toEqual({ ok: true, staff: ana });
    const token = await startStaffSession(s.db, ana.id, '2026-01-01T00:00:00.000Z');
    expect(await staffForSession(s.db, token, '2026-01-01T11:00:00.000Z')).toEqual(ana);
    expect(await staffForSession(s.db, token, '2026-01-01T12:00:00.000Z')).toBeUndefined();
    const stored = await s.db.selectFrom('staff_sessions').select('token_hash').execute();
    expect(stored.map((r) => r.token_hash)).not.toContain(token);

    const now = '2026-01-02T00:00:00.000Z';
    for (let i = 1; i < LOCKOUT.attempts; i++)
      expect(await signIn(s.db, 'ana', 'wrong', now)).toEqual({ ok: false, reason: 'invalid' });
    expect(await signIn(s.db, 'ana', 'wrong', now)).toEqual({ ok: false, reason: 'locked' });
    expect(await signIn(s.db, 'ana', 'correct horse battery', now)).toEqual({ ok: false, reason: 'locked' });
    expect((await signIn(s.db, 'ana', 'correct horse battery', '2026-01-02T00:16:00.000Z')).ok).toBe(true);
    expect(await signIn(s.db, 'nobody', 'correct horse battery')).toEqual({ ok: false, reason: 'invalid' });
    await s.close();
  });
});

describe('group commit on SQLite', () => {
  it('holds a submission that follows a commit closely for the next turns, so that they commit together', async () => {
    const s = await study();
    const now = '2026-01-03T12:00:00.000Z';
    const links = await issueLinks(s.db, readLinkKey(s.dir), await collectionCells(s.db, s.config, now), version, now);
    const invs = await Promise.all(links.map(async (l) => (await invitationByToken(s.db, l.token, s.sqlite))!));
    const [srs1, srs2, srs3] = invs.filter((i) => i.instrument === 'srs');
    const sqlite = s.sqlite!;
    let commits = 0;
    const exec = sqlite.exec.bind(sqlite);
    sqlite.exec = (source: string) => {
      if (source === 'commit') commits++;
      return exec(source);
    };
    const items = { '1': 9, '2': 9, '3': 9, '4': 9 };
    // The clock stands still but for the steps taken here, so a loaded machine cannot stretch the gap.
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'performance'] });
    try {
      // The first after a quiet moment commits at the end of its own turn.
      const first = submitInvitation(s.db, srs1!, 'client', items, srsScore, now, sqlite);
      await vi.advanceTimersByTimeAsync(0);
      expect((await first).status).toBe('stored');
      expect(commits).toBe(1);
      // The next, just after that commit, waits; one that comes a millisecond later joins it in the same commit.
      const second = submitInvitation(s.db, srs2!, 'client', items, srsScore, now, sqlite);
      await vi.advanceTimersByTimeAsync(1);
      expect(commits).toBe(1);
      const third = submitInvitation(s.db, srs3!, 'client', items, srsScore, now, sqlite);
      await vi.advanceTimersByTimeAsync(2);
      expect((await Promise.all([second, third])).map((o) => o.status)).toEqual(['stored', 'stored']);
      expect(commits).toBe(2);
    } finally {
      vi.useRealTimers();
    }
    expect(await s.db.selectFrom('responses').select('id').execute()).toHaveLength(3);
    await s.close();
  });
});
