import type { SessionCodeSummary } from '@alliance-lab/core';
import { type SeriesValidity, seriesValidity } from './baselines';
import type { ScaleRef } from './data';
import { METHODS } from './sample';
import type { SessionInfo } from './series';

/** The MITI-style summaries of the utterance codes that validation sets beside self-report. */
export const CODED_SUMMARIES = {
  'rq-ratio': 'reflectionToQuestion',
  'complex-reflection-share': 'complexReflectionShare',
  'open-question-share': 'openQuestionShare',
  'change-talk-share': 'changeTalkShare',
} as const;
export type CodedSummaryName = keyof typeof CODED_SUMMARIES;

export interface CodedValidity extends SeriesValidity {
  /** Coder version (`alliance code`) whose stored codes were summarised. */
  coder: string;
  summary: CodedSummaryName;
}

/**
 * Each coder's session summaries (R:Q, complex-reflection share, open-question share, change-talk share of the
 * current transcripts' stored codes) against the criterion: what the coded behaviour says about the client's
 * own view of the alliance, within and between clients. A session whose summary is undefined (no questions for
 * R:Q) is left out of that summary's figures.
 */
export function codedValidity(
  codes: readonly SessionCodeSummary[],
  selfReport: ReadonlyMap<string, number>,
  ref: ScaleRef,
  info: ReadonlyMap<string, SessionInfo>,
  file: string,
): CodedValidity[] {
  const coders = [...new Set(codes.map((c) => c.coder))].sort();
  return coders.flatMap((coder) =>
    (Object.keys(CODED_SUMMARIES) as CodedSummaryName[]).map((summary) => {
      const values = new Map<string, number>();
      for (const c of codes) {
        const v = c.coder === coder ? c.summary[CODED_SUMMARIES[summary]] : null;
        if (typeof v === 'number') values.set(c.sessionId, v);
      }
      return { coder, summary, ...seriesValidity(values, selfReport, ref, info, file, METHODS.coded) };
    }),
  );
}
