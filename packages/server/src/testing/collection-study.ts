import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addStaff,
  collectionCells,
  ensureSession,
  initStudy,
  issueLinks,
  type IssuedLink,
  readLinkKey,
  type Study,
} from '@alliance-lab/core';
import { loadRegistry } from '@alliance-lab/instruments';
import type { Hono } from 'hono';
import { createApp } from '../app';

export const PASSWORDS = { admin: 'admin password 1', coordinator: 'coordinator pw 2', analyst: 'analyst password 3' };

/** Today and n days before it, as the session dates a due or an expired form needs. */
export const day = (daysAgo = 0) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

export interface CollectionStudy {
  study: Study;
  app: Hono;
  links: IssuedLink[];
  link(client: string, session: number, instrument: string): IssuedLink;
  /** Log lines the app reported. */
  logs: string[];
  remove(): Promise<void>;
}

/**
 * A study collecting SRS and WAI-SR after every session and the ARM-12 every third, with C01 and C02 seen
 * today (sessions 1–3) and C03 seen ten days ago (its links expired); one staff account per role.
 */
export async function createCollectionStudy(): Promise<CollectionStudy> {
  const root = mkdtempSync(join(tmpdir(), 'collect-'));
  const study = await initStudy(
    join(root, 'study'),
    {
      name: 'Collection test study',
      instruments: [
        { instrument: 'srs', form: 'client', schedule: { every: 1 } },
        { instrument: 'wai-sr', form: 'client', schedule: { every: 1 } },
        { instrument: 'arm-12', form: 'client', schedule: { every: 3, from: 3 } },
      ],
    },
    { actor: 'test' },
  );
  for (const client of ['C01', 'C02'])
    for (const session of [1, 2, 3]) await ensureSession(study.db, { client, therapist: 'T1', session, date: day() });
  await ensureSession(study.db, { client: 'C03', therapist: 'T2', session: 1, date: day(10) });
  for (const role of ['admin', 'coordinator', 'analyst'] as const)
    await addStaff(study.db, 'test', { name: role, role, password: PASSWORDS[role] });
  const registry = loadRegistry({ studyDir: study.dir });
  const cells = (await collectionCells(study.db, study.config)).filter((c) => c.state !== 'not scheduled');
  const links = await issueLinks(study.db, readLinkKey(study.dir), cells, (i) => registry.definition(i).version);
  const logs: string[] = [];
  const app = createApp(study, { onError: (m) => logs.push(m) }) as unknown as Hono;
  return {
    study,
    app,
    links,
    logs,
    link(client, session, instrument) {
      const l = links.find((x) => x.client === client && x.session === session && x.instrument === instrument);
      if (!l) throw new Error(`no link for ${client} ${session} ${instrument}`);
      return l;
    },
    async remove() {
      await study.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export function form(values: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(values).toString(),
  };
}

/** Signs in through /login and returns the cookie header and the CSRF token pages carry. */
export async function signInAs(app: Hono, role: keyof typeof PASSWORDS): Promise<{ cookie: string; csrf: string }> {
  const page = await app.request('/login');
  const loginCookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await app.request('/login', {
    ...form({ _csrf: csrf, name: role, password: PASSWORDS[role] }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
  });
  if (res.status !== 303) throw new Error(`sign-in as ${role}: ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const grid = await app.request('/grid', { headers: { cookie } });
  const token = /name="_csrf" value="([^"]+)"/.exec(await grid.text())![1]!;
  return { cookie, csrf: token };
}

export const SRS_ANSWERS = { '1': '9.5', '2': '8', '3': '7.3', '4': '10' };
export const WAI_SR_ANSWERS = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [String(i + 1), '4']));
