import jsQR from 'jsqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectionStudy, createCollectionStudy, signInAs } from '../testing/collection-study';
import { storeKinds, useStore } from '../../../../test/support/stores';

describe.each(storeKinds)('links for coordinators on %s', (kind) => {
  useStore(kind, { shared: true });
  let t: CollectionStudy;
  beforeAll(async () => {
    t = await createCollectionStudy();
  });
  afterAll(() => t.remove());

  const withCookie = (cookie: string) => ({ headers: { cookie } });

  /**
   * Draws the QR code an SVG of the `qrcode` library holds (a stroked path of horizontal runs: M x y, m dx 0,
   * h n) onto a white RGBA bitmap, `scale` pixels a module, for jsQR to read as a camera would.
   */
  function rasterise(svg: string, scale = 6): { data: Uint8ClampedArray; size: number } {
    const box = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)![1]);
    const d = /<path stroke="#000000" d="([^"]+)"/.exec(svg)![1]!;
    const size = box * scale;
    const data = new Uint8ClampedArray(size * size * 4).fill(255);
    let x = 0;
    let y = 0;
    for (const [, cmd, a, b] of d.matchAll(/([MmHh])(-?[\d.]+)(?: (-?[\d.]+))?/g)) {
      const n = Number(a);
      if (cmd === 'M') [x, y] = [n, Number(b) - 0.5];
      else if (cmd === 'm') [x, y] = [x + n, y + Number(b ?? 0)];
      else if (cmd === 'h') {
        for (let px = x * scale; px < (x + n) * scale; px++)
          for (let py = y * scale; py < (y + 1) * scale; py++)
            data.fill(0, (py * size + px) * 4, (py * size + px) * 4 + 3);
        x += n;
      }
    }
    return { data, size };
  }

  describe('links for coordinators', () => {
    it('prints one card per link with a QR code that decodes to the exact link, and no personal data', async () => {
      const { cookie } = await signInAs(t.app, 'coordinator');
      const csv = (await (await t.app.request('/links.csv', withCookie(cookie))).text()).trim().split('\r\n');
      const urls = csv.slice(1).map((l) => l.split(',')[4]!);
      expect(urls.length).toBe(t.links.filter((l) => l.client !== 'C03').length);

      const res = await t.app.request('/links/print', withCookie(cookie));
      expect(res.status).toBe(200);
      const page = await res.text();
      expect(page).toContain('@media print');
      const cards = [...page.matchAll(/<article class="card">([\s\S]*?)<\/article>/g)].map((m) => m[1]!);
      expect(cards.length).toBe(urls.length);
      const decoded: string[] = [];
      for (const card of cards) {
        const svg = /<svg[\s\S]*?<\/svg>/.exec(card)![0];
        expect(svg).toContain('role="img"');
        const { data, size } = rasterise(svg);
        const qr = jsQR(data, size, size);
        expect(qr).not.toBeNull();
        decoded.push(qr!.data);
        const link = t.links.find((l) => qr!.data.endsWith(`/f/${l.token}`))!;
        // The card names the pseudonym, the session, the form, the code and the expiry; never the token in text.
        expect(card).toContain(`Client <strong>${link.client}</strong> · session ${link.session}`);
        expect(card).toContain(`${link.instrument}:${link.form}`);
        expect(card).toContain(`<strong class="code">${link.code}</strong>`);
        expect(card).toMatch(/Open until \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d \(UTC\)/);
        expect(card.replace(svg, '')).not.toContain(link.token);
      }
      expect(decoded.sort()).toEqual([...urls].sort());
      // Nothing but pseudonyms: the page has no therapist id, and no script or remote resource.
      expect(page).not.toContain('T1');
      expect(page).not.toMatch(/<script|src="http|href="http/);
    });

    it('gives a mail-merge CSV of links with client ids and the contract columns, and refuses analysts', async () => {
      const { cookie } = await signInAs(t.app, 'coordinator');
      const res = await t.app.request('/links.csv', withCookie(cookie));
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="links.csv"');
      const [head, ...rows] = (await res.text()).trim().split('\r\n');
      expect(head).toBe('client,session,instrument,form,url,code,expires_at');
      for (const r of rows)
        expect(r).toMatch(
          /^C0[12],[1-3],[a-z0-9-]+,client,http:\/\/localhost\/f\/[A-Za-z0-9_-]{43},[A-Z2-9]{8},\d{4}-\d\d-\d\dT/,
        );
      const analyst = await signInAs(t.app, 'analyst');
      expect((await t.app.request('/links/print', withCookie(analyst.cookie))).status).toBe(403);
      expect((await t.app.request('/links.csv', withCookie(analyst.cookie))).status).toBe(403);
    });
  });
});
