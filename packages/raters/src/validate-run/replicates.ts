import { icc } from '@alliance-lab/core/stats';
import { iccJson } from '@alliance-lab/core/cli';
import type { ScoreRow, StoredRating } from '@alliance-lab/core';
import { domainScores } from '../domain-scores';
import { DOMAINS, type Signal } from '../result-schema';
import type { ScaleRef } from './data';

export interface ReplicateFigure {
  instrument?: string;
  form?: string;
  scale?: string;
  item?: string;
  domain?: string;
  /** As `alliance stats icc --json` prints it for the sessions × replicates matrix; null when it cannot be run. */
  icc: Record<string, unknown> | null;
  reason?: string;
}

export interface Replicates {
  /** The headline scale's ICC (the form's total when it has one). */
  icc: Record<string, unknown> | null;
  scale: ScaleRef;
  scales: ReplicateFigure[];
  items: ReplicateFigure[];
  domains: ReplicateFigure[];
  /** Spearman–Brown: the reliability and cost of the mean of k runs, from ICC(2,1) of the headline scale. */
  projection: Array<{ k: number; icc: number | null; costPerSession: number | null }>;
}

/** Sessions × replicates, sessions with every replicate only (ICC's default for incomplete subjects). */
function matrix(values: Map<string, Map<number, number>>, reps: number): number[][] {
  const rows: number[][] = [];
  for (const byRep of values.values()) {
    const row: number[] = [];
    for (let r = 1; r <= reps; r++) {
      const v = byRep.get(r);
      if (v === undefined) break;
      row.push(v);
    }
    if (row.length === reps) rows.push(row);
  }
  return rows;
}

function figure(values: Map<string, Map<number, number>>, reps: number, file: string): Omit<ReplicateFigure, 'scale'> {
  const m = matrix(values, reps);
  try {
    return { icc: iccJson(icc(m), file) };
  } catch (err) {
    if (err instanceof RangeError) return { icc: null, reason: err.message };
    throw err;
  }
}

function put(m: Map<string, Map<number, number>>, session: string, rep: number, v: number) {
  let byRep = m.get(session);
  if (!byRep) m.set(session, (byRep = new Map()));
  byRep.set(rep, v);
}

function scaleValues(scores: readonly ScoreRow[], rater: string, ref: ScaleRef): Map<string, Map<number, number>> {
  const m = new Map<string, Map<number, number>>();
  for (const s of scores)
    if (
      s.source === 'rater' &&
      s.rater === rater &&
      s.instrument === ref.instrument &&
      s.form === ref.form &&
      s.scale === ref.scale &&
      s.score !== null
    )
      put(m, s.session_id, s.replicate, s.score);
  return m;
}

/** The matrix the replicate ICC of one scale is computed on: each session's raw scale score per replicate. */
export function replicateMatrix(scores: readonly ScoreRow[], rater: string, ref: ScaleRef, reps: number): number[][] {
  return matrix(scaleValues(scores, rater, ref), reps);
}

export function spearmanBrown(rho: number, k: number): number {
  return (k * rho) / (1 + (k - 1) * rho);
}

/**
 * Run-to-run reliability of one rater across its replicates, per scale, item and domain score; null when the rater
 * has fewer than two replicates.
 */
export function replicateReliability(
  rater: string,
  scores: readonly ScoreRow[],
  ratings: readonly StoredRating[],
  scales: readonly ScaleRef[],
  costPerRating: number | null,
  file: string,
): Replicates | null {
  const reps = ratings.reduce((m, g) => Math.max(m, g.replicate), 0);
  if (reps < 2 || scales.length === 0) return null;
  const scaleFigures: ReplicateFigure[] = scales.map((ref) => ({
    ...ref,
    ...figure(scaleValues(scores, rater, ref), reps, file),
  }));
  const items = new Map<string, Map<string, Map<number, number>>>();
  const domains = new Map<string, Map<string, Map<number, number>>>();
  for (const g of ratings) {
    if (g.status !== 'ok') continue;
    for (const f of g.forms)
      for (const [item, v] of Object.entries(f.items)) {
        if (v === null) continue;
        const key = `${f.instrument}\u0000${f.form}\u0000${item}`;
        if (!items.has(key)) items.set(key, new Map());
        put(items.get(key)!, g.sessionId, g.replicate, v);
      }
    const d = domainScores(g.signals as Signal[]);
    for (const domain of Object.keys(DOMAINS)) {
      if (!domains.has(domain)) domains.set(domain, new Map());
      put(domains.get(domain)!, g.sessionId, g.replicate, d[domain as keyof typeof d]);
    }
  }
  const itemFigures = [...items].map(([key, m]) => {
    const [instrument, form, item] = key.split('\u0000');
    return { instrument, form, item, ...figure(m, reps, file) };
  });
  const domainFigures = [...domains].map(([domain, m]) => ({ domain, ...figure(m, reps, file) }));
  const headline = scaleFigures.find((s) => s.scale === 'total') ?? scaleFigures[0]!;
  const icc2 = (headline.icc?.ICC2 as { icc: number | null } | undefined)?.icc ?? null;
  const projection = [1, 2, 3, 4, 5].map((k) => ({
    k,
    icc: icc2 === null ? null : spearmanBrown(icc2, k),
    costPerSession: costPerRating === null ? null : k * costPerRating,
  }));
  return {
    icc: headline.icc,
    scale: { instrument: headline.instrument!, form: headline.form!, scale: headline.scale! },
    scales: scaleFigures,
    items: itemFigures,
    domains: domainFigures,
    projection,
  };
}
