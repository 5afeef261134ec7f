import type { FormView } from '@alliance-lab/instruments';
import { loadCoder, type UtteranceCoder } from '../coder/coder';
import type { RatableUtterance } from '../rater';
import type { RaterOutput } from '../result-schema';
import { PreparedWindow } from '../coder/features';
import { AnalysisRun, analyse, type TranscriptAnalysis } from './analyse';
import { lexiconItems } from './lexicon-items';
import { lexiconEpisodes, toRuptures } from './lexicon-ruptures';
import { lexiconSignals } from './lexicon-signals';
import type { MarkerSet } from './marker-set';

/**
 * The lexicon's whole answer for one transcript: signals from marker rates and measures, rupture episodes from
 * marker runs, item ratings from the signals. A pure function of the marker set, the utterances and the forms,
 * so the same input always gives the same answer.
 */
export function rateWithLexicon(
  set: MarkerSet,
  utterances: readonly RatableUtterance[],
  views: readonly FormView[],
  /** The shipped coder unless given (a check's held-out fold passes one trained without that fold). */
  coder?: UtteranceCoder,
): RaterOutput {
  // The coder runs only for a marker file that has markers fired by codes; it is fast enough to run inline, and
  // gives the same codes `alliance code` stores.
  if (set.codeMarkers.length === 0) return finish(set, analyse(set, utterances), views);
  // Each utterance is analysed as soon as it is coded, from the tokens the coder prepared, so no utterance's
  // tokens outlive its neighbours' coding.
  const window = new PreparedWindow(utterances);
  const run = new AnalysisRun(set, utterances, null);
  (coder ?? loadCoder()).codePrepared(utterances, window, (i, codes) => run.step(i, window.at(i)!.tokens, codes));
  return finish(set, run.result(), views);
}

function finish(set: MarkerSet, a: TranscriptAnalysis, views: readonly FormView[]): RaterOutput {
  const signals = lexiconSignals(set, a);
  const ruptures = toRuptures(a, lexiconEpisodes(set, a));
  return { forms: lexiconItems(set.file.items, signals, views), signals, ruptures };
}
