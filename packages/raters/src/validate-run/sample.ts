import type { SessionInfo } from './series';

/** The clients and sessions a figure rests on. */
export interface Sample {
  clients: number;
  sessions: number;
}

export function sampleOf(sessions: Iterable<SessionInfo | undefined>): Sample {
  const clients = new Set<string>();
  let n = 0;
  for (const s of sessions) {
    if (!s) continue;
    n++;
    clients.add(s.client);
  }
  return { clients: clients.size, sessions: n };
}

/** The sample of sessions named by id. */
export function sampleOfIds(ids: Iterable<string>, info: ReadonlyMap<string, SessionInfo>): Sample {
  const out: Array<SessionInfo | undefined> = [];
  for (const id of ids) out.push(info.get(id));
  return sampleOf(out);
}

/** How each figure is computed, in the words the methods paragraph uses: one place for every figure's `method`. */
export const METHODS = {
  coders:
    "coders' scale scores, sessions × coders: ICC(2,1) and ICC(2,k), two-way random, absolute agreement (Shrout & Fleiss 1979; McGraw & Wong 1996 ICC(A,1)), with ICC(3,1); Krippendorff's alpha, interval metric, 95% CI from 1,000 bootstrap resamples of sessions",
  replicates:
    "the rater's runs of each session, sessions × replicates: ICC(2,1) and ICC(2,k), two-way random, absolute agreement (Shrout & Fleiss 1979), on sessions with every replicate; Spearman–Brown projection of ICC(2,1) to the mean of k runs",
  replicateFigure:
    'sessions × replicates: ICC(2,1), two-way random, absolute agreement, single run (Shrout & Fleiss 1979), on sessions with every replicate',
  vsCoder:
    "rater against coder on the same observer form, sessions rated by both: ICC(2,1) and ICC(3,1) (Shrout & Fleiss 1979); Krippendorff's alpha, interval metric, bootstrap 95% CI; quadratic-weighted kappa per item (Cohen 1968) on the first run; Bland–Altman bias and 95% limits of agreement on POMP (Bland & Altman 1986)",
  vsSelfReport:
    'rater against client self-report of the same construct on POMP, sessions with both: repeated-measures correlation (Bakdash & Marusich 2017); between-client Pearson r of client means; linear mixed model of self-report on rater score with random intercepts for client (and therapist when there are several), REML, Satterthwaite df; 95% CIs of rmcorr and between-client r also from a client-level cluster bootstrap (clients resampled with all their sessions)',
  baseline:
    'a transcript-only baseline (whitespace-separated words of the utterance text, or utterance counts) against client self-report on POMP, sessions with both: repeated-measures correlation (Bakdash & Marusich 2017) and between-client Pearson r of client means',
  coded:
    "MITI-style summaries of the utterance coder's stored codes of each session's current transcript (reflection-to-question ratio, complex reflections over reflections, open questions over questions, change talk over change and sustain talk; sessions where a summary is undefined left out) against client self-report on POMP: repeated-measures correlation (Bakdash & Marusich 2017) and between-client Pearson r of client means",
  incremental:
    "partial repeated-measures correlation of the rater's score with client self-report, the transcript baselines held constant within clients",
  ruptures:
    "rupture episodes found by the study's rupture rule (`alliance stats ruptures`) in the rater's series and in the client's criterion series, matched per client within ± tolerance sessions: precision, recall and F1; markers: sessions with a rater-detected in-session rupture against the same self-report episodes",
  groundTruth:
    "rater against the demo simulator's latent alliance on POMP: repeated-measures correlation and between-client r; rupture episodes against the planted ruptures",
} as const;
