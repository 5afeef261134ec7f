import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CollectionStudy,
  createCollectionStudy,
  form,
  SRS_ANSWERS,
  WAI_SR_ANSWERS,
} from '../testing/collection-study';
import { storeKinds, useStore } from '../../../../test/support/stores';

describe.each(storeKinds)('client forms on %s', (kind) => {
  useStore(kind, { shared: true });
  let t: CollectionStudy;
  beforeAll(async () => {
    t = await createCollectionStudy();
  });
  afterAll(() => t.remove());

  const count = async (table: 'responses' | 'scores' | 'audit' | 'invitation_log') =>
    (await t.study.db.selectFrom(table).selectAll().execute()).length;

  describe('client forms', () => {
    it('opening a link shows a plain form named by item ids and writes only the "opened" log entry', async () => {
      const l = t.link('C01', 1, 'srs');
      const before = {
        responses: await count('responses'),
        audit: await count('audit'),
        log: await count('invitation_log'),
      };
      const res = await t.app.request(`/f/${l.token}`);
      expect(res.status).toBe(200);
      const page = await res.text();
      for (const id of ['1', '2', '3', '4']) expect(page).toContain(`name="${id}" type="number"`);
      expect(page).toContain('step="0.1"');
      expect(page).toMatch(/<form method="post" action="\/f\/[A-Za-z0-9_-]{43}"/);
      expect(page).toContain('needs a licence from the authors');
      expect(page).toContain('paraphrases');
      expect(page).not.toContain('C01');
      expect((await t.app.request(`/f/${l.token}`)).status).toBe(200);
      expect(await count('responses')).toBe(before.responses);
      expect(await count('audit')).toBe(before.audit);
      expect(await count('invitation_log')).toBe(before.log + 1);
    });

    it('renders a Likert form as radio groups with anchors inside fieldsets', async () => {
      const page = await (await t.app.request(`/f/${t.link('C01', 1, 'wai-sr').token}`)).text();
      expect(page.match(/<fieldset class="item">/g)).toHaveLength(12);
      expect(page).toContain('<input type="radio" name="1" value="5"> <span>5 – Always</span>');
    });

    it('stores the response, its scores and the audit entry on POST, and answers 410 to a second POST', async () => {
      const l = t.link('C01', 2, 'srs');
      const res = await t.app.request(`/f/${l.token}`, form(SRS_ANSWERS));
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Thank you');
      const row = await t.study.db
        .selectFrom('responses')
        .selectAll()
        .where('session_id', '=', 'C01/2')
        .where('instrument', '=', 'srs')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(row.items)).toEqual({ '1': 9.5, '2': 8, '3': 7.3, '4': 10 });
      expect(row.respondent).toBe('client');
      const total = await t.study.db
        .selectFrom('scores')
        .select('score')
        .where('source_id', '=', row.id)
        .where('scale', '=', 'total')
        .executeTakeFirstOrThrow();
      expect(total.score).toBeCloseTo(34.8, 6);
      const audit = await t.study.db.selectFrom('audit').selectAll().where('entity_id', '=', row.id).execute();
      expect(audit.map((a) => a.actor)).toEqual(['link:C01']);

      const again = await t.app.request(`/f/${l.token}`, form(SRS_ANSWERS));
      expect(again.status).toBe(410);
      expect(await again.text()).toContain('submitted already');
      expect((await t.app.request(`/f/${l.token}`)).status).toBe(410);
      expect(await count('responses')).toBe(1);
    });

    it('stores exactly one response when two tabs submit at once', async () => {
      const l = t.link('C02', 1, 'wai-sr');
      const statuses = await Promise.all([
        t.app.request(`/f/${l.token}`, form(WAI_SR_ANSWERS)),
        t.app.request(`/f/${l.token}`, form(WAI_SR_ANSWERS)),
        t.app.request(`/f/${l.token}`, form(WAI_SR_ANSWERS)),
      ]).then((rs) => rs.map((r) => r.status).sort());
      expect(statuses).toEqual([200, 410, 410]);
      const rows = await t.study.db.selectFrom('responses').selectAll().where('session_id', '=', 'C02/1').execute();
      expect(rows).toHaveLength(1);
    });

    it('validates with the scoring engine: out-of-range, too many decimals and unanswered items are refused, nothing written', async () => {
      const l = t.link('C01', 3, 'srs');
      const before = await count('responses');
      const bad = await t.app.request(`/f/${l.token}`, form({ '1': '11', '2': '5.55', '3': '', '4': '' }));
      expect(bad.status).toBe(422);
      const page = await bad.text();
      expect(page).toContain('11 is above the scale maximum 10');
      expect(page).toContain('more decimals than the scale allows');
      expect(page).toContain('value="11"');
      const partial = await t.app.request(`/f/${l.token}`, form({ '1': '5', '2': '', '3': '', '4': '' }));
      expect(partial.status).toBe(422);
      expect(await partial.text()).toContain('Please answer items 2, 3, 4');
      expect(await count('responses')).toBe(before);
    });

    it('keeps a draft until submit, and shows it again on reload', async () => {
      const l = t.link('C02', 2, 'srs');
      const saved = await t.app.request(`/f/${l.token}/draft`, form({ '1': '6.5' }));
      expect(saved.status).toBe(204);
      const page = await (await t.app.request(`/f/${l.token}`)).text();
      expect(page).toContain('name="1" type="number" inputmode="decimal" min="0" max="10" step="0.1" value="6.5"');
      const log = await t.study.db
        .selectFrom('invitation_log')
        .select('event')
        .where('invitation_id', '=', 'C02/2/srs/client')
        .execute();
      expect(log.map((e) => e.event).sort()).toEqual(['created', 'opened', 'started']);
      expect((await t.app.request(`/f/${l.token}`, form(SRS_ANSWERS))).status).toBe(200);
      expect((await t.app.request(`/f/${l.token}/draft`, form({ '1': '1' }))).status).toBe(410);
    });

    it('says plainly when a link has expired, and refuses its submission', async () => {
      const l = t.link('C03', 1, 'srs');
      const page = await t.app.request(`/f/${l.token}`);
      expect(page.status).toBe(410);
      expect(await page.text()).toContain('This link worked until');
      expect((await t.app.request(`/f/${l.token}`, form(SRS_ANSWERS))).status).toBe(410);
      const rows = await t.study.db.selectFrom('responses').selectAll().where('session_id', '=', 'C03/1').execute();
      expect(rows).toHaveLength(0);
    });

    it('opens the form from a short code, in any case and with a dash', async () => {
      const l = t.link('C01', 3, 'wai-sr');
      const res = await t.app.request(
        '/code',
        form({ code: `${l.code.slice(0, 4).toLowerCase()}-${l.code.slice(4)}` }),
      );
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/f/${l.token}`);
      expect((await t.app.request('/code')).status).toBe(200);
    });

    it('serves the autosave script under a policy that allows it and nothing else', async () => {
      const res = await t.app.request('/static/autosave.js');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/javascript');
      expect(await res.text()).toContain('localStorage');
      const page = await t.app.request(`/f/${t.link('C01', 3, 'arm-12').token}`);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await page.text()).toContain('<script src="/static/autosave.js" defer></script>');
    });
  });
});
