import type { TranscriptLength } from '@alliance-lab/core';
import { rmcorrJson } from '@alliance-lab/core/cli';
import { partialRmcorr, rmcorr, withinBetween } from '@alliance-lab/core/stats';
import { attempt, withReasons } from './attempt';
import type { ScaleRef } from './data';
import { METHODS, type Sample, sampleOf } from './sample';
import { pairSeries, type SessionInfo } from './series';

export const BASELINES = ['words', 'therapist-words', 'client-word-share', 'utterances'] as const;
export type BaselineName = (typeof BASELINES)[number];

/** Each baseline's value per session, from the transcript alone. */
export function baselineSeries(lengths: readonly TranscriptLength[]): Record<BaselineName, Map<string, number>> {
  const out = Object.fromEntries(BASELINES.map((b) => [b, new Map<string, number>()])) as Record<
    BaselineName,
    Map<string, number>
  >;
  for (const l of lengths) {
    out.words.set(l.sessionId, l.words);
    out['therapist-words'].set(l.sessionId, l.therapistWords);
    const spoken = l.clientWords + l.therapistWords;
    if (spoken > 0) out['client-word-share'].set(l.sessionId, l.clientWords / spoken);
    out.utterances.set(l.sessionId, l.utterances);
  }
  return out;
}

/** A session series' within- and between-client correlations with a self-report series (seriesValidity). */
export interface SeriesValidity {
  selfReport: ScaleRef;
  n: Sample;
  method: string;
  rmcorr: Record<string, unknown> | null;
  between: Record<string, unknown> | null;
  reasons?: Record<string, string>;
}

export interface BaselineValidity extends SeriesValidity {
  baseline: BaselineName;
}

/** The validity figures of each baseline against a self-report series (POMP). */
export function baselineValidity(
  baselines: Record<BaselineName, Map<string, number>>,
  selfReport: ReadonlyMap<string, number>,
  ref: ScaleRef,
  info: ReadonlyMap<string, SessionInfo>,
  file: string,
): BaselineValidity[] {
  return BASELINES.map((b) => ({
    baseline: b,
    ...seriesValidity(baselines[b], selfReport, ref, info, file, METHODS.baseline),
  }));
}

/**
 * A session series against a self-report series: the within-client (rmcorr) and between-client correlations on
 * the sessions with both, each null with its reason when there is too little to compute it.
 */
export function seriesValidity(
  values: ReadonlyMap<string, number>,
  selfReport: ReadonlyMap<string, number>,
  ref: ScaleRef,
  info: ReadonlyMap<string, SessionInfo>,
  file: string,
  method: string,
): SeriesValidity {
  const p = pairSeries(values, selfReport, info);
  const series = { subject: p.sessions.map((s) => s.client), x: p.x, y: p.y };
  const reasons: Record<string, string> = {};
  const rm = attempt('rmcorr', reasons, () => rmcorrJson(rmcorr(series), p.excluded, file));
  const between = attempt('between', reasons, () => ({ ...withinBetween(series).between }));
  return withReasons({ selfReport: ref, n: sampleOf(p.sessions), method, rmcorr: rm, between }, reasons);
}

export interface Incremental {
  rater: ScaleRef;
  selfReport: ScaleRef;
  n: Sample;
  method: string;
  partialRmcorr: ReturnType<typeof partialRmcorr> | null;
  controls: BaselineName[];
  reasons?: Record<string, string>;
}

/** The rater's within-client correlation with self-report with every baseline held constant. */
export function incremental(
  rater: ReadonlyMap<string, number>,
  raterRef: ScaleRef,
  selfReport: ReadonlyMap<string, number>,
  ref: ScaleRef,
  baselines: Record<BaselineName, Map<string, number>>,
  info: ReadonlyMap<string, SessionInfo>,
): Incremental {
  const p = pairSeries(rater, selfReport, info);
  const keep = p.sessions
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => BASELINES.every((b) => baselines[b].has(s.sessionId)));
  const reasons: Record<string, string> = {};
  const res = attempt('partialRmcorr', reasons, () =>
    partialRmcorr({
      subject: keep.map(({ s }) => s.client),
      x: keep.map(({ i }) => p.x[i]!),
      y: keep.map(({ i }) => p.y[i]!),
      controls: BASELINES.map((b) => keep.map(({ s }) => baselines[b].get(s.sessionId)!)),
    }),
  );
  return withReasons(
    {
      rater: raterRef,
      selfReport: ref,
      n: sampleOf(keep.map(({ s }) => s)),
      method: METHODS.incremental,
      partialRmcorr: res,
      controls: [...BASELINES],
    },
    reasons,
  );
}
