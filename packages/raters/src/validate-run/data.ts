import {
  type AnalysisPlan,
  currentTranscripts,
  listRatings,
  queryScores,
  type ResponseItems,
  responseItems,
  type ScoreRow,
  type SessionCodeSummary,
  sessionCodeSummaries,
  type StoredRating,
  type Study,
  type TranscriptLength,
  transcriptLengths,
  UsageError,
} from '@alliance-lab/core';

/** A scale of one instrument's form. */
export interface ScaleRef {
  instrument: string;
  form: string;
  scale: string;
}

/** One rater configuration's name and the forms it rates. */
export interface RaterInfo {
  name: string;
  provider: string;
  model: string;
  forms: Array<{ instrument: string; form: string }>;
}

/** Everything validation reads from a study, read once; the computation works on this and nothing else. */
export interface ValidationData {
  study: string;
  criterion: ScaleRef | null;
  ruptureRule: AnalysisPlan['ruptures'];
  raters: RaterInfo[];
  scores: ScoreRow[];
  /** Ratings of current transcript versions, ok and failed. */
  ratings: StoredRating[];
  /** Coders' questionnaires per observer form, keyed "instrument:form". */
  coderItems: Map<string, ResponseItems[]>;
  lengths: TranscriptLength[];
  /** Each coder's summary of each session's current transcript's stored codes (`alliance code`). */
  codes: SessionCodeSummary[];
}

/**
 * Reads a study for validation. `raters` picks rater configurations by name (default: every rater of study.json
 * that has stored ratings); an unknown name is a usage error listing the valid ones.
 */
export async function loadValidationData(study: Study, raters: readonly string[] = []): Promise<ValidationData> {
  const configured = study.config.raters;
  for (const r of raters)
    if (!configured[r])
      throw new UsageError(
        `no rater "${r}" in study.json; its raters are ${Object.keys(configured).join(', ') || '(none)'}`,
      );
  const current = new Set((await currentTranscripts(study.db)).map((t) => t.transcriptId));
  const ratings = (await listRatings(study.db)).filter((g) => current.has(g.transcriptId));
  const rated = new Set(ratings.map((g) => g.rater));
  const names = raters.length ? [...raters] : Object.keys(configured).filter((n) => rated.has(n));
  const info: RaterInfo[] = names.map((name) => {
    const c = configured[name]!;
    return {
      name,
      provider: c.provider,
      model: typeof c.model === 'string' ? c.model : '',
      forms: c.forms.map((f) => {
        const [instrument, form] = f.split(':');
        return { instrument: instrument!, form: form! };
      }),
    };
  });
  const keep = new Set(names);
  const scores = (await queryScores(study.db)).filter((s) => s.source !== 'rater' || keep.has(s.rater));
  const coderItems = new Map<string, ResponseItems[]>();
  for (const r of info)
    for (const f of r.forms) {
      const key = `${f.instrument}:${f.form}`;
      if (coderItems.has(key)) continue;
      const rows = await responseItems(study.db, f);
      coderItems.set(
        key,
        rows.filter((x) => x.respondent !== 'client' && x.respondent !== 'therapist'),
      );
    }
  return {
    study: study.config.name,
    criterion: study.config.analysis.criterion ?? null,
    ruptureRule: study.config.analysis.ruptures,
    raters: info,
    scores,
    ratings: ratings.filter((g) => keep.has(g.rater)),
    coderItems,
    lengths: await transcriptLengths(study.db),
    codes: await sessionCodeSummaries(study.db),
  };
}
