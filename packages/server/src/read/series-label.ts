import type { ScoreRow } from '@alliance-lab/core';

/** "wai-o-s" → "WAI-O-S": instrument ids are their usual abbreviations in lower case. */
export function instrumentLabel(instrument: string): string {
  return instrument.toUpperCase();
}

/** How a series is named in the chart's legend and the table's header. */
export function seriesLabel(s: Pick<ScoreRow, 'source' | 'rater' | 'instrument' | 'form'>): string {
  const instrument = instrumentLabel(s.instrument);
  if (s.source === 'self-report') return `${s.rater} ${instrument}`;
  if (s.source === 'coder') return `coder ${s.rater}, ${instrument} ${s.form}`;
  return `${s.rater} (rater), ${instrument} ${s.form}`;
}
