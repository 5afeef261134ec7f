import type { ScoreRow } from '@alliance-lab/core';
import { lmmJson, rmcorrJson } from '@alliance-lab/core/cli';
import { blandAltman, clusterBootstrap, fitLmm, rmcorr, withinBetween } from '@alliance-lab/core/stats';
import { attempt, withReasons } from './attempt';
import type { ScaleRef } from './data';
import { METHODS, type Sample, sampleOf } from './sample';
import { type Paired, pairSeries, type SessionInfo, scalesOf, seriesOf } from './series';

export interface BootstrapSettings {
  resamples: number;
  seed: number;
}

export interface VsSelfReport {
  rater: ScaleRef;
  selfReport: ScaleRef;
  n: Sample;
  method: string;
  rmcorr: Record<string, unknown> | null;
  between: Record<string, unknown> | null;
  lmm: Record<string, unknown> | null;
  bootstrapCi95: ReturnType<typeof clusterBootstrap> | null;
  reasons?: Record<string, string>;
}

/**
 * Which client self-report scales a rater's scale is validated against: the same construct (a scale of the same
 * id: goal ↔ goal, total ↔ total, so WAI-O-S total ↔ WAI-SR total and SRS total), and the study's criterion for
 * the total whatever the criterion's scale is called.
 */
export function matchConstructs(
  raterScale: ScaleRef,
  selfReport: readonly ScaleRef[],
  criterion: ScaleRef | null,
): ScaleRef[] {
  const out = selfReport.filter((s) => s.scale === raterScale.scale && s.instrument !== raterScale.instrument);
  if (
    criterion &&
    raterScale.scale === 'total' &&
    !out.some((s) => s.instrument === criterion.instrument && s.form === criterion.form && s.scale === criterion.scale)
  )
    out.unshift(criterion);
  return out;
}

export function clientSelfReportScales(scores: readonly ScoreRow[]): ScaleRef[] {
  return scalesOf(scores, 'self-report', 'client');
}

/** The lmm formula: a random intercept per client, and per therapist when there are several. */
export function lmmFormula(p: Paired): string {
  const therapists = new Set(p.sessions.map((s) => s.therapist)).size;
  return `selfReport ~ rater + (1 | client)${therapists > 1 ? ' + (1 | therapist)' : ''}`;
}

/** Validity of one pair of series (x the rater's, y the self-report), on POMP, by session within client. */
export function validity(p: Paired, file: string, boot: BootstrapSettings) {
  const subject = p.sessions.map((s) => s.client);
  const series = { subject, x: p.x, y: p.y };
  const reasons: Record<string, string> = {};
  const rm = attempt('rmcorr', reasons, () => rmcorrJson(rmcorr(series), p.excluded, file));
  const between = attempt('between', reasons, () => ({ ...withinBetween(series).between }));
  const lmm = attempt('lmm', reasons, () =>
    lmmJson(
      fitLmm(
        {
          selfReport: p.y,
          rater: p.x,
          client: subject,
          therapist: p.sessions.map((s) => s.therapist),
        },
        lmmFormula(p),
      ),
      file,
    ),
  );
  const bootstrapCi95 = attempt('bootstrapCi95', reasons, () => {
    if (new Set(subject).size < 3) throw new RangeError('the cluster bootstrap needs at least three clients');
    return clusterBootstrap(series, boot);
  });
  return { rmcorr: rm, between, lmm, bootstrapCi95, reasons };
}

export function vsSelfReport(
  rater: string,
  scores: readonly ScoreRow[],
  raterScales: readonly ScaleRef[],
  criterion: ScaleRef | null,
  info: ReadonlyMap<string, SessionInfo>,
  file: string,
  boot: BootstrapSettings,
): VsSelfReport[] {
  const selfScales = clientSelfReportScales(scores);
  const out: VsSelfReport[] = [];
  for (const rs of raterScales) {
    const x = seriesOf(scores, 'rater', rater, rs, 'pomp');
    for (const ss of matchConstructs(rs, selfScales, criterion)) {
      const p = pairSeries(x, seriesOf(scores, 'self-report', 'client', ss, 'pomp'), info);
      const v = validity(p, file, boot);
      out.push(
        withReasons(
          {
            rater: rs,
            selfReport: ss,
            n: sampleOf(p.sessions),
            method: METHODS.vsSelfReport,
            rmcorr: v.rmcorr,
            between: v.between,
            lmm: v.lmm,
            bootstrapCi95: v.bootstrapCi95,
          },
          v.reasons,
        ),
      );
    }
  }
  return out;
}

export interface Divergence {
  client: string;
  session: number;
  rater: number;
  selfReport: number;
  difference: number;
}

/**
 * Sessions where the rater and the client's self-report (POMP) differ by more than the Bland–Altman limits of
 * agreement of the pair, largest first.
 */
export function divergence(p: Paired): { limits: [number, number] | null; sessions: Divergence[] } {
  if (p.x.length < 3) return { limits: null, sessions: [] };
  let ba: ReturnType<typeof blandAltman>;
  try {
    ba = blandAltman(p.x, p.y);
  } catch (err) {
    if (err instanceof RangeError) return { limits: null, sessions: [] };
    throw err;
  }
  const out: Divergence[] = [];
  p.x.forEach((x, i) => {
    const d = x - p.y[i]!;
    if (d < ba.loa[0] || d > ba.loa[1])
      out.push({
        client: p.sessions[i]!.client,
        session: p.sessions[i]!.session,
        rater: x,
        selfReport: p.y[i]!,
        difference: d,
      });
  });
  out.sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference));
  return { limits: ba.loa, sessions: out };
}
