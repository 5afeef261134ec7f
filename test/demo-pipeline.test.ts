import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '@alliance-lab/core';
import { afterAll, describe, expect, it } from 'vitest';
import { demoSteps, runDemo } from '../scripts/demo/pipeline';
import { startDemoServer } from '../scripts/demo/serve';

const DATA = fileURLToPath(new URL('../datasets/demo/', import.meta.url));
// Model raters join the demo when their API key is set; tests never reach the internet.
delete process.env.OPENAI_API_KEY;
delete process.env.ANTHROPIC_API_KEY;
const parent = mkdtempSync(join(tmpdir(), 'demo-pipeline-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

/** One column of a demo CSV, by header name. */
function column(file: string, name: string): string[] {
  const [header, ...rows] = parseCsv(readFileSync(join(DATA, file), 'utf8'));
  const i = header!.fields.indexOf(name);
  return rows.map((r) => r.fields[i]!);
}

/** `npm run demo:serve` over the study just built: the printed sign-in works and every printed link opens its form. */
async function servesTheDemo(study: string) {
  const demo = await startDemoServer(study, 0);
  try {
    // One link per scheduled form of the study, each printed.
    expect(demo.links.map((l) => `${l.instrument}:${l.form}`).sort()).toEqual([
      'srs:client',
      'wai-o-s:observer',
      'wai-sr:client',
    ]);
    for (const l of demo.links) expect(demo.banner).toContain(l.url);
    expect(demo.banner).toContain(`password: ${demo.password}`);

    for (const l of demo.links) {
      const page = await fetch(l.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<form[^>]+method="post"/i);
    }

    const login = await fetch(`${demo.base}/login`);
    const loginCookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
    const signedIn = await fetch(`${demo.base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
      body: new URLSearchParams({ _csrf: csrf, name: 'coordinator', password: demo.password }).toString(),
    });
    expect(signedIn.status).toBe(303);
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const grid = await fetch(`${demo.base}/grid`, { headers: { cookie } });
    expect(grid.status).toBe(200);
    // Today's session of the first client is due on the grid.
    expect(await grid.text()).toMatch(new RegExp(`${demo.client}[\\s\\S]*due`));
  } finally {
    await demo.close();
  }
}

function collection() {
  const sessions = column('ground-truth.csv', 'session').length;
  const coderSessions = column('coders-wai-o-s.csv', 'session');
  const coded = new Set(column('coders-wai-o-s.csv', 'client').map((c, i) => `${c}/${coderSessions[i]}`)).size;
  const done = column('wai-sr.csv', 'client').length + column('srs.csv', 'client').length + coded;
  return { scheduled: 3 * sessions, done, due: 0, overdue: 0, missing: 3 * sessions - done };
}

describe('npm run demo pipeline', () => {
  // The whole demo twice, validation and report included.
  it('builds a study holding every session, utterance and questionnaire of the demo dataset, and rebuilds it from scratch', {
    timeout: 600_000,
  }, async () => {
    const study = join(parent, 'demo-study');
    const lines: string[] = [];
    const counts = await runDemo(study, DATA, (l) => lines.push(l));
    expect(counts).toEqual({
      clients: new Set(column('ground-truth.csv', 'client')).size,
      therapists: new Set(column('ground-truth.csv', 'therapist')).size,
      sessions: column('ground-truth.csv', 'session').length,
      transcripts: column('ground-truth.csv', 'session').length,
      utterances: column('ground-truth.csv', 'utterances').reduce((s, n) => s + Number(n), 0),
      responses:
        column('wai-sr.csv', 'client').length +
        column('srs.csv', 'client').length +
        column('coders-wai-o-s.csv', 'client').length,
      // Two lexicon configurations rate every session (model raters join only when their API key is set).
      ratings: 2 * column('ground-truth.csv', 'session').length,
      // All three forms are scheduled after every session; the sessions lie in the past, so what is not done expired.
      collection: collection(),
    });
    const titles = demoSteps(study, DATA).map((s) => s.title);
    expect(lines.map((l) => l.replace(/:.*$/, ''))).toEqual(titles.map((t, i) => `${i + 1}. ${t}`));
    expect(existsSync(join(study, 'scores.csv'))).toBe(true);
    expect(existsSync(join(study, 'report.html'))).toBe(true);
    expect(lines.find((l) => /^\d+\. validate the raters/.test(l))).toMatch(
      /lexicon: r_rm with wai-sr = .*controlling for transcript length .*transcript length alone \(words\): r_rm = 0\./,
    );

    await servesTheDemo(study);

    // A second run starts from an empty folder rather than adding to the first.
    expect(await runDemo(study, DATA)).toEqual(counts);
  });
});
