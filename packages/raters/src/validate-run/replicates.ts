import { icc } from '@alliance-lab/core/stats';
import { iccJson } from '@alliance-lab/core/cli';
import type { ScoreRow, StoredRating } from '@alliance-lab/core';
import { domainScores } from '../domain-scores';
import { DOMAINS, type Signal } from '../result-schema';
import type { ScaleRef } from './data';
import { METHODS, type Sample, sampleOfIds } from './sample';
import { columnOf, type SessionInfo } from './series';

export interface ReplicateFigure {
  instrument?: string;
  form?: string;
  scale?: string;
  item?: string;
  domain?: string;
  /** Sessions with every replicate (the matrix's rows), and their clients. */
  n: Sample;
  method: string;
  /** As `alliance stats icc --json` prints it for the sessions × replicates matrix; null when it cannot be run. */
  icc: Record<string, unknown> | null;
  reason?: string;
}

export interface Replicates {
  /** The headline scale's ICC (the form's total when it has one). */
  icc: Record<string, unknown> | null;
  scale: ScaleRef;
  /** The headline scale's sample. */
  n: Sample;
  method: string;
  scales: ReplicateFigure[];
  items: ReplicateFigure[];
  domains: ReplicateFigure[];
  /** Spearman–Brown: the reliability and cost of the mean of k runs, from ICC(2,1) of the headline scale. */
  projection: Array<{ k: number; icc: number | null; costPerSession: number | null }>;
}

/**
 * Per session, its value of each replicate, in the order sessions were first given a value. Sessions are
 * numbered once per rater (`Slots`), so the many tables (one per item, scale and domain) are flat arrays rather
 * than a map per session.
 */
class Slots {
  readonly ids = new Map<string, number>();
  readonly sessions: string[] = [];
  of(session: string): number {
    let slot = this.ids.get(session);
    if (slot === undefined) {
      this.ids.set(session, (slot = this.ids.size));
      this.sessions.push(session);
    }
    return slot;
  }
}

class ByReplicate {
  private readonly order: number[] = [];
  private values = new Float64Array(0);
  private present = new Uint8Array(0);
  constructor(private readonly reps: number) {}

  put(slot: number, rep: number, v: number): void {
    if (rep < 1 || rep > this.reps) return;
    const w = this.reps + 1;
    if ((slot + 1) * w > this.values.length) {
      const size = Math.max((slot + 1) * w, this.values.length * 2, 64 * w);
      const values = new Float64Array(size);
      values.set(this.values);
      const present = new Uint8Array(size);
      present.set(this.present);
      this.values = values;
      this.present = present;
    }
    let seen = false;
    for (let r = 1; r <= this.reps && !seen; r++) seen = this.present[slot * w + r] === 1;
    if (!seen) this.order.push(slot);
    this.values[slot * w + rep] = v;
    this.present[slot * w + rep] = 1;
  }

  /**
   * Sessions × replicates, sessions with every replicate only (ICC's default for incomplete subjects), and the
   * slots of those sessions.
   */
  matrix(): { rows: number[][]; slots: number[] } {
    const w = this.reps + 1;
    const rows: number[][] = [];
    const slots: number[] = [];
    for (const slot of this.order) {
      const row: number[] = [];
      for (let r = 1; r <= this.reps && this.present[slot * w + r] === 1; r++) row.push(this.values[slot * w + r]!);
      if (row.length === this.reps) {
        rows.push(row);
        slots.push(slot);
      }
    }
    return { rows, slots };
  }
}

function figure(
  values: ByReplicate,
  slots: Slots,
  info: ReadonlyMap<string, SessionInfo>,
  file: string,
): Omit<ReplicateFigure, 'scale'> {
  const m = values.matrix();
  const n = sampleOfIds(
    m.slots.map((s) => slots.sessions[s]!),
    info,
  );
  const method = METHODS.replicateFigure;
  try {
    return { n, method, icc: iccJson(icc(m.rows), file) };
  } catch (err) {
    if (err instanceof RangeError) return { n, method, icc: null, reason: err.message };
    throw err;
  }
}

function scaleValues(
  scores: readonly ScoreRow[],
  rater: string,
  ref: ScaleRef,
  reps: number,
  slots: Slots,
): ByReplicate {
  const m = new ByReplicate(reps);
  const col = columnOf(scores, 'rater', rater, ref);
  for (let i = 0; i < col.score.length; i++)
    if (!Number.isNaN(col.score[i]!)) m.put(slots.of(col.sessionIds[i]!), col.replicate[i]!, col.score[i]!);
  return m;
}

/** The matrix the replicate ICC of one scale is computed on: each session's raw scale score per replicate. */
export function replicateMatrix(scores: readonly ScoreRow[], rater: string, ref: ScaleRef, reps: number): number[][] {
  return scaleValues(scores, rater, ref, reps, new Slots()).matrix().rows;
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
  info: ReadonlyMap<string, SessionInfo>,
  file: string,
): Replicates | null {
  const reps = ratings.reduce((m, g) => Math.max(m, g.replicate), 0);
  if (reps < 2 || scales.length === 0) return null;
  const slots = new Slots();
  const scaleFigures: ReplicateFigure[] = scales.map((ref) => ({
    ...ref,
    ...figure(scaleValues(scores, rater, ref, reps, slots), slots, info, file),
  }));
  const items = new Map<string, ByReplicate>();
  const domains = new Map<string, ByReplicate>();
  for (const g of ratings) {
    if (g.status !== 'ok') continue;
    const slot = slots.of(g.sessionId);
    for (const f of g.forms)
      for (const item in f.items) {
        const v = f.items[item];
        if (v === null || v === undefined) continue;
        const key = `${f.instrument}\u0000${f.form}\u0000${item}`;
        let table = items.get(key);
        if (!table) items.set(key, (table = new ByReplicate(reps)));
        table.put(slot, g.replicate, v);
      }
    const d = domainScores(g.signals as Signal[]);
    for (const domain of Object.keys(DOMAINS)) {
      let table = domains.get(domain);
      if (!table) domains.set(domain, (table = new ByReplicate(reps)));
      table.put(slot, g.replicate, d[domain as keyof typeof d]);
    }
  }
  const itemFigures = [...items].map(([key, m]) => {
    const [instrument, form, item] = key.split('\u0000');
    return { instrument, form, item, ...figure(m, slots, info, file) };
  });
  const domainFigures = [...domains].map(([domain, m]) => ({ domain, ...figure(m, slots, info, file) }));
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
    n: headline.n,
    method: METHODS.replicates,
    scales: scaleFigures,
    items: itemFigures,
    domains: domainFigures,
    projection,
  };
}
