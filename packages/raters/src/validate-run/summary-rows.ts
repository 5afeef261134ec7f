import type { ValidationResult } from './run';
import type { Sample } from './sample';

/** One line of the summary table a paper would print. */
export interface SummaryRow {
  rater: string;
  statistic: string;
  estimate: number | null;
  ci95: [number, number] | null;
  /** Clients and sessions (or subjects) the figure rests on. */
  n: string;
  method: string;
}

type Obj = Record<string, unknown> | null | undefined;
const num = (o: Obj, k: string) => (o && typeof o[k] === 'number' ? (o[k] as number) : null);
const ci = (o: Obj, k = 'ci95') => (o && Array.isArray(o[k]) ? (o[k] as [number, number]) : null);
const scale = (s: { instrument: string; form: string; scale: string }) => `${s.instrument}:${s.form} ${s.scale}`;
const sample = (n: Sample) => `${n.clients} clients, ${n.sessions} sessions`;

/** The headline figures of a validation run, one row each; every figure is also in the JSON in full. */
export function summaryRows(result: ValidationResult): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const c = result.coders;
  if (c?.icc) {
    const f = c.icc.ICC2 as Obj;
    rows.push({
      rater: `coders (${c.coders.join(', ')})`,
      statistic: `ICC(2,1) among coders, ${scale(c.scale)}`,
      estimate: num(f, 'icc'),
      ci95: ci(f),
      n: sample(c.n),
      method: 'two-way random, absolute agreement, single rater (Shrout & Fleiss 1979)',
    });
  }
  // Older stored runs have no coded figures.
  for (const c of result.coded ?? []) {
    const n = sample(c.n);
    rows.push({
      rater: `coder ${c.coder}`,
      statistic: `coded ${c.summary}: rmcorr with ${scale(c.selfReport)}`,
      estimate: num(c.rmcorr, 'r'),
      ci95: ci(c.rmcorr),
      n,
      method: 'stored utterance codes alone; repeated-measures correlation',
    });
    rows.push({
      rater: `coder ${c.coder}`,
      statistic: `coded ${c.summary}: between-client r with ${scale(c.selfReport)}`,
      estimate: num(c.between, 'r'),
      ci95: ci(c.between),
      n,
      method: 'correlation of client means',
    });
  }
  for (const r of result.raters) {
    const rep = r.replicates;
    if (rep?.icc) {
      const f = rep.icc.ICC2 as Obj;
      rows.push({
        rater: r.rater,
        statistic: `ICC(2,1) across replicates, ${scale(rep.scale)}`,
        estimate: num(f, 'icc'),
        ci95: ci(f),
        n: `${sample(rep.n)} × ${rep.icc.raters} runs`,
        method: 'two-way random, absolute agreement, single run',
      });
    }
    for (const v of r.vsCoders) {
      const f = v.icc?.ICC2 as Obj;
      rows.push({
        rater: r.rater,
        statistic: `ICC(2,1) vs coder ${v.coder}, ${scale(v.scale)}`,
        estimate: num(f, 'icc'),
        ci95: ci(f),
        n: sample(v.n),
        method: 'two-way random, absolute agreement, single rater',
      });
      rows.push({
        rater: r.rater,
        statistic: `Krippendorff's alpha (interval) vs coder ${v.coder}`,
        estimate: num(v.alpha, 'alpha'),
        ci95: ci(v.alpha),
        n: sample(v.n),
        method: 'interval metric, bootstrap 95% CI',
      });
      rows.push({
        rater: r.rater,
        statistic: `Bland–Altman bias (POMP) vs coder ${v.coder}`,
        estimate: num(v.blandAltman, 'bias'),
        ci95: ci(v.blandAltman),
        n: `${num(v.blandAltman, 'n') ?? 0} sessions`,
        method: `limits of agreement ${fmtPair(v.blandAltman?.loa as [number, number] | undefined)}`,
      });
    }
    for (const v of r.vsSelfReport) {
      const n = sample(v.n);
      rows.push({
        rater: r.rater,
        statistic: `rmcorr ${scale(v.rater)} ~ ${scale(v.selfReport)} (POMP)`,
        estimate: num(v.rmcorr, 'r'),
        ci95: ci(v.rmcorr),
        n,
        method: `repeated-measures correlation; cluster bootstrap ${fmtPair(v.bootstrapCi95?.rmcorr ?? undefined)}`,
      });
      rows.push({
        rater: r.rater,
        statistic: `between-client r ${scale(v.rater)} ~ ${scale(v.selfReport)}`,
        estimate: num(v.between, 'r'),
        ci95: ci(v.between),
        n,
        method: `correlation of client means; cluster bootstrap ${fmtPair(v.bootstrapCi95?.between ?? undefined)}`,
      });
      const slope = ((v.lmm?.fixed as Array<Record<string, unknown>> | undefined) ?? []).find(
        (t) => t.term === 'rater',
      );
      rows.push({
        rater: r.rater,
        statistic: `lmm slope of self-report on rater (${scale(v.selfReport)})`,
        estimate: num(slope, 'estimate'),
        ci95: ci(slope),
        n,
        method: String(v.lmm?.formula ?? 'not fitted'),
      });
    }
    for (const b of r.baselines) {
      rows.push({
        rater: r.rater,
        statistic: `baseline ${b.baseline}: rmcorr with ${scale(b.selfReport)}`,
        estimate: num(b.rmcorr, 'r'),
        ci95: ci(b.rmcorr),
        n: sample(b.n),
        method: 'transcript alone; repeated-measures correlation',
      });
    }
    for (const i of r.incremental) {
      const p = i.partialRmcorr;
      rows.push({
        rater: r.rater,
        statistic: `partial rmcorr with ${scale(i.selfReport)} controlling for ${i.controls.join(', ')}`,
        estimate: p?.r ?? null,
        ci95: p?.ci95 ?? null,
        n: sample(i.n),
        method: 'within-client correlation with the baselines held constant',
      });
    }
    rows.push({
      rater: r.rater,
      statistic: `rupture episodes F1 (±${r.ruptures.tolerance} session)`,
      estimate: r.ruptures.f1,
      ci95: null,
      n: `${sample(r.ruptures.n)}; ${r.ruptures.episodes.rater} rater, ${r.ruptures.episodes.selfReport} self-report episodes`,
      method: `precision ${fmt(r.ruptures.precision)}, recall ${fmt(r.ruptures.recall)}`,
    });
    if (r.groundTruth) {
      rows.push({
        rater: r.rater,
        statistic: 'rmcorr with the simulated latent alliance',
        estimate: num(r.groundTruth.rmcorr, 'r'),
        ci95: ci(r.groundTruth.rmcorr),
        n: sample(r.groundTruth.n),
        method: 'ground truth of the demo simulator',
      });
    }
  }
  return rows;
}

export function fmt(x: number | null | undefined, digits = 3): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : 'NA';
}

export function fmtPair(p: readonly [number, number] | null | undefined): string {
  return p ? `[${fmt(p[0])}, ${fmt(p[1])}]` : 'NA';
}
