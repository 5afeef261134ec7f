import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { near, readGolden } from '../../../../../test/support/data';
import { parseCsv } from '../../util/csv';
import { pearsonR } from '../correlation';
import { rmcorr } from '../rmcorr';
import { withinBetween } from '../within-between';
import { fitLmm } from './index';

/**
 * lme4 agreement on the demo study (datasets/demo): WAI-SR and SRS totals as plain item sums (missing when an
 * item is), therapists from ground-truth.csv, exactly as test/golden/association.R builds them. When
 * `npm run demo-data` changes the demo, rerun that script.
 */
const demoDir = fileURLToPath(new URL('../../../../../datasets/demo/', import.meta.url));

function readCsv(file: string): Array<Record<string, string>> {
  const recs = parseCsv(readFileSync(demoDir + file, 'utf8'), { file });
  const header = recs[0]!.fields;
  return recs.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r.fields[i] ?? ''])));
}

function total(row: Record<string, string>, items: number): number | null {
  let s = 0;
  for (let i = 1; i <= items; i++) {
    const v = row[String(i)]!.trim();
    if (v === '') return null;
    s += Number(v);
  }
  return s;
}

function demoColumns() {
  const therapist = new Map(readCsv('ground-truth.csv').map((r) => [r.client!, r.therapist!]));
  const srs = new Map(readCsv('srs.csv').map((r) => [`${r.client}/${r.session}`, total(r, 4)]));
  const cols = {
    client: [] as string[],
    session: [] as number[],
    therapist: [] as string[],
    wai: [] as Array<number | null>,
    srs: [] as Array<number | null>,
  };
  for (const r of readCsv('wai-sr.csv')) {
    cols.client.push(r.client!);
    cols.session.push(Number(r.session));
    cols.therapist.push(therapist.get(r.client!)!);
    cols.wai.push(total(r, 12));
    cols.srs.push(srs.get(`${r.client}/${r.session}`) ?? null);
  }
  return cols;
}

interface DemoGolden {
  rows: number;
  fits: Array<{
    name: string;
    formula: string;
    n: number;
    fixed: Array<{ term: string; estimate: number; se: number; df: number }>;
    random: Array<{ group: string; sd: number | number[] }>;
    sigma: number;
    criterion: number;
    theta: number[];
  }>;
  rmcorr: { r: number; df: number; p: number; n: number };
  between: { r: number; p: number; n: number };
  pearson: { r: number };
}

const golden = readGolden<{ demo: DemoGolden }>('association.json').demo;
const cols = demoColumns();

describe('the demo study agrees with lme4/lmerTest to 4 decimals', () => {
  it('has the rows the golden was made from (else rerun test/golden/association.R)', () => {
    expect(cols.client.length).toBe(golden.rows);
  });

  it.each(golden.fits)('$name', (g) => {
    const fit = fitLmm(cols, g.formula);
    expect(fit.n).toBe(g.n);
    expect(near(fit.criterion, g.criterion, 1e-4)).toBe(true);
    fit.fixed.forEach((f, i) => {
      expect(f.term).toBe(g.fixed[i]!.term);
      expect(near(f.estimate, g.fixed[i]!.estimate, 1e-4)).toBe(true);
      expect(near(f.se, g.fixed[i]!.se, 1e-4)).toBe(true);
      expect(near(f.df, g.fixed[i]!.df, 1e-4)).toBe(true);
    });
    fit.random.forEach((r, i) => {
      const sd = g.random[i]!.sd;
      (Array.isArray(sd) ? sd : [sd]).forEach((v, j) => expect(near(r.sd[j]!, v, 1e-4)).toBe(true));
    });
    expect(near(fit.residual.sd, g.sigma, 1e-4)).toBe(true);
  });

  it('WAI-SR and SRS: rmcorr, between-client and pooled correlations', () => {
    const keep = cols.client.map((_, i) => cols.wai[i] !== null && cols.srs[i] !== null);
    const series = {
      subject: cols.client.filter((_, i) => keep[i]),
      x: cols.wai.filter((_, i) => keep[i]) as number[],
      y: cols.srs.filter((_, i) => keep[i]) as number[],
    };
    const rm = rmcorr(series);
    expect(rm.n).toBe(golden.rmcorr.n);
    expect(rm.df).toBe(golden.rmcorr.df);
    expect(near(rm.r, golden.rmcorr.r, 1e-6)).toBe(true);
    expect(Math.abs(Math.log(rm.p / golden.rmcorr.p))).toBeLessThan(1e-6);
    const wb = withinBetween(series);
    expect(wb.between.n).toBe(golden.between.n);
    expect(near(wb.between.r, golden.between.r, 1e-6)).toBe(true);
    expect(near(pearsonR(series.x, series.y), golden.pearson.r, 1e-6)).toBe(true);
  });
});
