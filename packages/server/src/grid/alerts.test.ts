import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addStaff,
  collectionCells,
  ensureSession,
  initStudy,
  issueLinks,
  readLinkKey,
  type Study,
} from '@alliance-lab/core';
import { loadRegistry } from '@alliance-lab/instruments';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { day, form, PASSWORDS, signInAs } from '../testing/collection-study';
import { storeKinds, useStore } from '../../../../test/support/stores';

describe.each(storeKinds)('the alert table on %s', (kind) => {
  useStore(kind, { shared: true });
  /**
   * Six clients with six weekly SRS each, all answered through their links. A01 falls below the cut-off with a
   * drop at its last session; A02 fell once at session 4 (a rupture in the criterion) and recovered; the rest
   * stay steady. The criterion is the SRS total, so ruptures are looked for in it.
   */
  const SERIES: Record<string, number[]> = {
    A01: [9, 9.2, 9, 9.1, 9, 7],
    A02: [9, 9.1, 9, 5, 9, 9.1],
    A03: [9, 9.1, 9, 9, 9.1, 9],
    A04: [9.5, 9.4, 9.5, 9.6, 9.5, 9.4],
    A05: [9.8, 9.7, 9.8, 9.9, 9.8, 9.7],
    A06: [9.2, 9.3, 9.2, 9.1, 9.2, 9.3],
  };

  let root: string;
  let study: Study;
  let app: Hono;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'alerts-'));
    study = await initStudy(
      join(root, 'study'),
      {
        name: 'Alert study',
        instruments: [{ instrument: 'srs', form: 'client', schedule: { every: 1 } }],
        analysis: { criterion: { instrument: 'srs', form: 'client', scale: 'total' } },
      },
      { actor: 'test' },
    );
    for (const client of Object.keys(SERIES))
      for (let s = 1; s <= 6; s++) await ensureSession(study.db, { client, therapist: 'T1', session: s, date: day() });
    for (const role of ['coordinator', 'analyst'] as const)
      await addStaff(study.db, 'test', { name: role, role, password: PASSWORDS[role] });
    const registry = loadRegistry({ studyDir: study.dir });
    const links = await issueLinks(
      study.db,
      readLinkKey(study.dir),
      await collectionCells(study.db, study.config),
      (i) => registry.definition(i).version,
    );
    app = createApp(study) as unknown as Hono;
    for (const l of links) {
      const v = String(SERIES[l.client]![l.session - 1]);
      const res = await app.request(`/f/${l.token}`, form({ '1': v, '2': v, '3': v, '4': v }));
      expect(res.status).toBe(200);
    }
  }, 60_000);
  afterAll(async () => {
    await study.close();
    rmSync(root, { recursive: true, force: true });
  });

  describe('the alert table', () => {
    it('lists SRS alerts at the latest session and rupture flags for every client, to coordinators and analysts', async () => {
      for (const role of ['coordinator', 'analyst'] as const) {
        const { cookie } = await signInAs(app, role);
        const res = await app.request('/alerts', { headers: { cookie } });
        expect(res.status).toBe(200);
        const page = await res.text();
        const rows = [...page.matchAll(/<tr data-client="([^"]+)"( class="flagged")?>(.*?)<\/tr>/g)].map((m) => ({
          client: m[1],
          flagged: !!m[2],
          cells: [...m[3]!.matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '')),
        }));
        // A01 first: flagged now. A02: an earlier alert (session 4) and its rupture, repaired at session 5.
        expect(rows.map((r) => r.client)).toEqual(['A01', 'A02']);
        expect(rows[0]!.flagged).toBe(true);
        expect(rows[0]!.cells.slice(0, 3)).toEqual(['A01', '6', '28']);
        expect(rows[0]!.cells[3]).toContain('total 28 is &lt; the cut-off 36');
        expect(rows[0]!.cells[3]).toContain('fell from 36 to 28');
        expect(rows[1]!.flagged).toBe(false);
        expect(rows[1]!.cells[4]).toBe('4');
        expect(rows[1]!.cells[5]).toBe('session 4, repaired at 5');
        expect(page).toContain('<a href="/clients/A01">A01</a>');
        expect(page).toContain('1 client flagged at their latest SRS');
      }
    });

    it('marks the flagged clients on the overview and the client page for coordinators', async () => {
      const { cookie } = await signInAs(app, 'coordinator');
      const overview = await (await app.request('/', { headers: { cookie } })).text();
      expect(overview).toMatch(/<p class="alert-marker"[^>]*>.*1 client flagged.*<a href="\/alerts">/s);
      const client = await (await app.request('/clients/A01', { headers: { cookie } })).text();
      expect(client).toContain('<h2>SRS alerts</h2>');
      expect(client).toMatch(/<td class="num">6<\/td><td class="num">28<\/td>/);
    });
  });
});
