import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '@alliance-lab/cli';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';

const DATA = fileURLToPath(new URL('../datasets/demo/', import.meta.url));
const TEMPLATE = fileURLToPath(new URL('../studies/demo', import.meta.url));
/** Kept after the run (gitignored) so a person can look at what the browser drew. */
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const CLIENTS = new Set(['C01', 'C02', 'C03', 'C04', 'C05']);
const parent = mkdtempSync(join(tmpdir(), 'validate-browser-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

async function alliance(args: string[]): Promise<void> {
  let err = '';
  const code = await main([...args, '--json'], {
    stdout: { write: () => true },
    stderr: { write: (s: string) => (err += s), isTTY: false },
  });
  if (code !== 0) throw new Error(`alliance ${args.join(' ')} exited ${code}: ${err}`);
}

function subset(file: string): string {
  const lines = readFileSync(join(DATA, file), 'utf8').trimEnd().split('\n');
  const keep = file.endsWith('.jsonl')
    ? lines.filter((l) => CLIENTS.has((JSON.parse(l) as { client: string }).client))
    : [lines[0]!, ...lines.slice(1).filter((l) => CLIENTS.has(l.split(',')[0]!))];
  const path = join(parent, file);
  writeFileSync(path, `${keep.join('\n')}\n`);
  return path;
}

describe('the validation report in headless Chromium', () => {
  it('opens with no console error and no network request, and every chart is drawn', async () => {
    const study = join(parent, 'study');
    await alliance(['init', study, '--from', TEMPLATE]);
    await alliance(['import', 'transcripts', '--study', study, subset('transcripts.jsonl')]);
    for (const [instrument, form, file] of [
      ['wai-sr', 'client', 'wai-sr.csv'],
      ['wai-o-s', 'observer', 'coders-wai-o-s.csv'],
    ] as const)
      await alliance([
        'import',
        'responses',
        '--study',
        study,
        '--instrument',
        instrument,
        '--form',
        form,
        subset(file),
      ]);
    await alliance(['rate', '--study', study, '--rater', 'lexicon', '--replicates', '2']);
    const report = join(parent, 'report.html');
    await alliance(['validate', '--study', study, '--bootstrap', '50', '--out', report]);

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => {
        if (r.url() !== `file://${report}`) requests.push(r.url());
      });
      await page.goto(`file://${report}`, { waitUntil: 'load' });
      const charts = await page.$$eval('figure.chart', (figs) =>
        figs.map((f) => {
          const svg = f.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          return {
            id: f.id,
            drawn:
              !!svg &&
              !!box &&
              box.width > 50 &&
              box.height > 50 &&
              svg.querySelectorAll('path, rect, line').length > 5,
          };
        }),
      );
      expect(charts.map((c) => c.id)).toEqual(
        expect.arrayContaining([
          'chart-trajectories',
          'chart-within',
          'chart-between',
          'chart-bland-altman',
          'chart-forest',
          'chart-projection',
          'chart-heatmap',
        ]),
      );
      expect(charts.filter((c) => !c.drawn)).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'validation-report.png'), fullPage: false });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
