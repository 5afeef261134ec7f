import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectionStudy, createCollectionStudy, PASSWORDS } from './testing/collection-study';

/**
 * Real-browser tests: Debian's chromium driven by playwright-core, against the app on a loopback port.
 * Screenshots go to test-artifacts/ at the repository root (ignored by git) for a person to look at.
 */
const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let t: CollectionStudy;
let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await createCollectionStudy();
  server = createAdaptorServer({ fetch: t.app.fetch, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server?.closeAllConnections();
  await t?.remove();
});

/** axe-core's serious and critical violations on the page, as "rule: target" lines. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  // Evaluated as a string: this package type-checks without the DOM library.
  const result = (await page.evaluate('window.axe.run()')) as {
    violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

const stored = async (sessionId: string, instrument: string) =>
  t.study.db
    .selectFrom('responses')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('instrument', '=', instrument)
    .executeTakeFirst();

describe('in a real browser', () => {
  it('a client completes the SRS on a phone with the keyboard alone; untouched sliders are not answers', async () => {
    // bypassCSP only so the test can inject axe-core; the page's own script loads under the real policy.
    const ctx = await browser.newContext({ ...PHONE, bypassCSP: true });
    const page = await ctx.newPage();
    await page.goto(`${base}/f/${t.link('C01', 1, 'srs').token}`);
    await expect.poll(() => page.locator('input[type=range]').count()).toBe(4);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'srs-phone.png'), fullPage: true });

    // Move the first three sliders; leave the fourth untouched and submit: refused.
    await page.keyboard.press('Tab');
    for (let item = 1; item <= 3; item++) {
      await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("type")')).toBe('range');
      for (let k = 0; k < item * 10; k++) await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Tab'); // the number field beside it
      await page.keyboard.press('Tab'); // the next slider
    }
    expect(await page.inputValue('#item-1')).toBe('6.0');
    expect(await page.inputValue('#item-4')).toBe('');
    await page.keyboard.press('Tab'); // item 4's number field
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Submit');
    await page.keyboard.press('Enter');
    await page.waitForLoadState();
    expect(await page.locator('#errors').textContent()).toContain('Please answer item 4');
    expect(await stored('C01/1', 'srs')).toBeUndefined();

    await page.focus('#item-4-slider');
    await page.keyboard.press('End');
    await page.focus('button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('text=Thank you');
    await page.screenshot({ path: join(ARTIFACTS, 'srs-done.png') });
    const row = await stored('C01/1', 'srs');
    expect(JSON.parse(row!.items)).toEqual({ '1': 6, '2': 7, '3': 8, '4': 10 });
    await ctx.close();
  });

  it('a client completes the WAI-SR radio groups with the keyboard, and a reload mid-form keeps the answers', async () => {
    const ctx = await browser.newContext({ ...PHONE, bypassCSP: true });
    const page = await ctx.newPage();
    await page.goto(`${base}/f/${t.link('C01', 1, 'wai-sr').token}`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Tab');
    for (let item = 1; item <= 6; item++) {
      await page.keyboard.press('Space'); // checks the focused first choice (1)
      await page.keyboard.press('ArrowRight'); // moves to and checks 2
      await page.keyboard.press('ArrowRight'); // 3
      await page.keyboard.press('Tab'); // to the next group
    }
    expect(await page.locator('input[name="6"]:checked').getAttribute('value')).toBe('3');
    // Wait for the draft to reach the server, then reload: the answers are still there.
    await expect
      .poll(
        async () =>
          (
            await t.study.db
              .selectFrom('invitations')
              .select('draft')
              .where('id', '=', 'C01/1/wai-sr/client')
              .executeTakeFirst()
          )?.draft,
      )
      .toContain('"6":"3"');
    await page.reload();
    expect(await page.locator('input[name="1"]:checked').getAttribute('value')).toBe('3');
    expect(await page.locator('input[name="6"]:checked').getAttribute('value')).toBe('3');
    await page.screenshot({ path: join(ARTIFACTS, 'wai-sr-after-reload.png'), fullPage: true });

    await page.focus('input[name="7"][value="1"]');
    for (let item = 7; item <= 12; item++) {
      await page.keyboard.press('Space');
      for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.waitForSelector('text=Thank you');
    const row = await stored('C01/1', 'wai-sr');
    const items = JSON.parse(row!.items) as Record<string, number>;
    expect(Object.values(items)).toEqual([3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4]);
    // Submitted: the browser's draft is gone too.
    expect(await page.evaluate('Object.keys(localStorage).filter((k) => k.startsWith("alliance-draft:"))')).toEqual([]);
    await ctx.close();
  });

  it('a coordinator signs in, sees the grid update, and downloads the missing list; an analyst opens a trajectory', async () => {
    const ctx = await browser.newContext({ acceptDownloads: true, bypassCSP: true });
    const page = await ctx.newPage();
    await page.goto(`${base}/grid`);
    await page.fill('#name', 'coordinator');
    await page.fill('#password', PASSWORDS.coordinator);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/grid`);
    const cell = page.locator('#grid tr:has(th:text-is("C02")) >> nth=0 >> td[data-form="srs:client"]');
    expect(await cell.textContent()).toBe('due');
    expect(await seriousViolations(page)).toEqual([]);

    const other = await browser.newContext();
    const client = await other.newPage();
    await client.goto(`${base}/f/${t.link('C02', 1, 'srs').token}`);
    for (const id of ['1', '2', '3', '4']) await client.fill(`#item-${id}`, '7.5');
    await client.click('button[type=submit]');
    await client.waitForSelector('text=Thank you');
    await other.close();

    await page.reload();
    expect(await cell.textContent()).toBe('done');
    await page.screenshot({ path: join(ARTIFACTS, 'grid.png'), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download what is missing')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('client,therapist,session,date,instrument,form,state,expires_at');
    expect(csv).toContain('C03,T2,1,');
    expect(csv).not.toMatch(/^C02,T1,1,[^\n]*,srs,client,/m);
    await ctx.close();

    const analyst = await browser.newContext();
    const a = await analyst.newPage();
    await a.goto(`${base}/login?next=/clients/C01`);
    await a.fill('#name', 'analyst');
    await a.fill('#password', PASSWORDS.analyst);
    await a.click('button[type=submit]');
    await a.waitForURL(`${base}/clients/C01`);
    expect(await a.locator('figure svg').count()).toBeGreaterThan(0);
    await a.screenshot({ path: join(ARTIFACTS, 'trajectory.png'), fullPage: true });
    await analyst.close();
  });
  it('a coordinator filters the grid, imports sessions, reads the log and alerts, prints links; an admin changes a role', async () => {
    const ctx = await browser.newContext({ acceptDownloads: true, bypassCSP: true });
    const page = await ctx.newPage();
    const signIn = async (name: keyof typeof PASSWORDS) => {
      await page.goto(`${base}/login`);
      await page.fill('#name', name);
      await page.fill('#password', PASSWORDS[name]);
      await page.click('button[type=submit]');
      await page.waitForURL(`${base}/grid`);
    };
    await signIn('coordinator');
    await page.selectOption('#f-form', 'arm-12:client');
    await page.selectOption('#f-state', 'due');
    await page.click('text=Filter');
    await page.waitForURL(/form=arm-12/);
    expect(await page.locator('#grid tbody th').allTextContents()).toEqual(['C01', 'C02']);
    expect(await seriousViolations(page)).toEqual([]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download what is missing')]);
    const missing = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\r\n');
    expect(missing.slice(1).map((l) => l.split(',').slice(0, 5).join(' '))).toEqual([
      `C01 T1 3 ${missing[1]!.split(',')[3]} arm-12`,
      `C02 T1 3 ${missing[2]!.split(',')[3]} arm-12`,
    ]);

    await page.goto(`${base}/people`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.setInputFiles('#i-file', {
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('client,therapist,session,date\nC70,T1,one,2026-01-01\n'),
    });
    await page.click('button:text-is("Import sessions")');
    expect(await page.locator('[role=alert]').textContent()).toContain('bad.csv was not imported; nothing was written');
    expect(await seriousViolations(page)).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    await page.setInputFiles('#i-file', {
      name: 'week.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`client,therapist,session,date\nC70,T1,1,${today}\n`),
    });
    await page.click('button:text-is("Import sessions")');
    expect(await page.locator('[role=status]').textContent()).toContain('1 new sessions');

    await page.goto(`${base}/links`);
    await page.click('text=Create links for every form due');
    await page.click('text=Print links with QR codes');
    expect(await page.locator('article.card').count()).toBeGreaterThan(0);
    expect(await page.locator('article.card:has-text("C70") svg[role=img]').count()).toBe(2);
    expect(await seriousViolations(page)).toEqual([]);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header').isVisible()).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, 'links-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    for (const path of ['/invitations', '/alerts']) {
      await page.goto(`${base}${path}`);
      expect(await seriousViolations(page), path).toEqual([]);
    }
    expect(await page.locator('#invitations, #alerts, p').count()).toBeGreaterThan(0);
    await page.click('text=Sign out');

    await page.goto(`${base}/login?next=/staff`);
    await page.fill('#name', 'admin');
    await page.fill('#password', PASSWORDS.admin);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/staff`);
    expect(await seriousViolations(page)).toEqual([]);
    const row = page.locator('tr[data-staff="analyst"]');
    await row.locator('select').selectOption('coordinator');
    await row.locator('text=Change').click();
    expect(await page.locator('[role=status]').textContent()).toContain('analyst is now a coordinator');
    expect(await page.locator('tr[data-staff="analyst"] td').first().textContent()).toBe('coordinator');
    await page.screenshot({ path: join(ARTIFACTS, 'staff.png'), fullPage: true });
    await ctx.close();
  }, 120_000);
});
