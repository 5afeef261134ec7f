import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureSession } from '../../store/sessions';
import { signIn } from '../../store/staff';
import { initStudy, openStudy } from '../../store/study';
import { runCore as main } from './testing';
import { storeKinds, useStore } from '../../../../../test/support/stores';

const BIN = fileURLToPath(new URL('../../../../cli/bin/alliance.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cli-collection-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
  });
  return { code, stdout, stderr };
}

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10);

async function study(): Promise<string> {
  const dir = join(scratch, `s${++n}`);
  const s = await initStudy(dir, {
    name: 'S',
    instruments: [
      { instrument: 'srs', form: 'client', schedule: { every: 1 } },
      { instrument: 'wai-o-s', form: 'observer', schedule: { sessions: [3, 8] } },
    ],
  });
  await ensureSession(s.db, { client: 'C01', therapist: 'T1', session: 1, date: daysAgo(20) });
  await ensureSession(s.db, { client: 'C01', therapist: 'T1', session: 2, date: daysAgo(2) });
  await ensureSession(s.db, { client: 'C01', therapist: 'T1', session: 3, date: today() });
  await s.close();
  return dir;
}

describe.each(storeKinds)('alliance links on %s', (kind) => {
  const store = useStore(kind);
  it('prints {"links": [...]} with client, session, instrument, form, url, code and expiresAt in UTC', async () => {
    const dir = await study();
    const all = await run(['links', '--study', dir, '--base-url', 'https://survey.example.org/', '--json']);
    expect(all.code).toBe(0);
    const { links } = JSON.parse(all.stdout) as { links: Record<string, unknown>[] };
    expect(links.map((l) => `${l.session} ${l.instrument}:${l.form}`)).toEqual([
      '1 srs:client',
      '2 srs:client',
      '3 srs:client',
      '3 wai-o-s:observer',
    ]);
    for (const l of links) {
      expect(Object.keys(l).sort()).toEqual(['client', 'code', 'expiresAt', 'form', 'instrument', 'session', 'url']);
      expect(l.url).toMatch(/^https:\/\/survey\.example\.org\/f\/[A-Za-z0-9_-]{43}$/);
      expect(l.code).toMatch(/^[A-Z2-9]{8}$/);
      expect(l.expiresAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    const again = JSON.parse((await run(['links', '--study', dir, '--json'])).stdout) as { links: { code: string }[] };
    expect(again.links.map((l) => l.code)).toEqual(links.map((l) => l.code));

    const due = JSON.parse((await run(['links', '--study', dir, '--due', '--json'])).stdout) as {
      links: { session: number }[];
    };
    expect(due.links.map((l) => l.session)).toEqual([2, 3, 3]);
    const s3 = JSON.parse((await run(['links', '--study', dir, '--session', '3', '--json'])).stdout) as {
      links: unknown[];
    };
    expect(s3.links).toHaveLength(2);
    const both = await run(['links', '--study', dir, '--session', '3', '--due', '--json']);
    expect(both.code).toBe(2);
  });

  it('expires links at the end of the third day after the session in the study zone, across a DST change', async () => {
    const dir = join(scratch, `s${++n}`);
    const s = await initStudy(dir, {
      name: 'Berlin',
      instruments: [{ instrument: 'srs', form: 'client', schedule: { every: 1 } }],
      collection: { timeZone: 'Europe/Berlin', expiresAfterDays: 3, overdueAfterDays: 1 },
    });
    // Berlin moves from UTC+1 to UTC+2 on 29 March 2026: a session on the 27th ends on the 30th at 24:00 CEST.
    await ensureSession(s.db, { client: 'C01', therapist: 'T1', session: 1, date: '2026-03-27' });
    await ensureSession(s.db, { client: 'C01', therapist: 'T1', session: 2, date: '2026-03-20' });
    await s.close();
    const berlin = JSON.parse((await run(['links', '--study', dir, '--json'])).stdout).links;
    expect(berlin.map((l: { session: number; expiresAt: string }) => [l.session, l.expiresAt])).toEqual([
      [1, '2026-03-30T22:00:00.000Z'],
      [2, '2026-03-23T23:00:00.000Z'],
    ]);
    // In New York (UTC-5, UTC-4 from 8 March), a study configured for two days.
    const ny = join(scratch, `s${++n}`);
    store.another();
    const t = await initStudy(ny, {
      name: 'New York',
      instruments: [{ instrument: 'srs', form: 'client', schedule: { every: 1 } }],
      collection: { timeZone: 'America/New_York', expiresAfterDays: 2, overdueAfterDays: 1 },
    });
    await ensureSession(t.db, { client: 'C01', therapist: 'T1', session: 1, date: '2026-03-06' });
    await t.close();
    const nyLinks = JSON.parse((await run(['links', '--study', ny, '--json'])).stdout).links;
    expect(nyLinks[0].expiresAt).toBe('2026-03-09T04:00:00.000Z');
  });

  it('alliance status counts due, overdue and missing questionnaires', async () => {
    const dir = await study();
    const status = JSON.parse((await run(['status', '--study', dir, '--json'])).stdout);
    expect(status.collection).toEqual({ scheduled: 4, done: 0, due: 2, overdue: 1, missing: 1 });
  });
});

describe.each(storeKinds)('alliance users add on %s', (kind) => {
  useStore(kind);
  it('takes a piped password, stores only its hash, and prints a one-time password when nothing is piped', async () => {
    const dir = await study();
    const piped = spawnSync(
      process.execPath,
      [BIN, 'users', 'add', '--study', dir, '--name', 'ana', '--role', 'coordinator', '--json'],
      { input: 'a long enough password\n', encoding: 'utf8' },
    );
    expect(piped.status, piped.stderr).toBe(0);
    expect(JSON.parse(piped.stdout)).toEqual({ user: { name: 'ana', role: 'coordinator' } });

    const generated = spawnSync(
      process.execPath,
      [BIN, 'users', 'add', '--study', dir, '--name', 'root', '--role', 'admin'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        encoding: 'utf8',
      },
    );
    expect(generated.status, generated.stderr).toBe(0);
    const password = /^password: (\S+)$/m.exec(generated.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/);

    const bad = spawnSync(process.execPath, [BIN, 'users', 'add', '--study', dir, '--name', 'x', '--role', 'boss'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--role must be one of admin, coordinator, analyst');

    const s = await openStudy(dir);
    try {
      expect((await signIn(s.db, 'ana', 'a long enough password')).ok).toBe(true);
      expect((await signIn(s.db, 'root', password!)).ok).toBe(true);
    } finally {
      await s.close();
    }
    // Three start-ups of the command; slow on a loaded machine.
  }, 120_000);
});
