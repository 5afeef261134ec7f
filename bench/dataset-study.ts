import { type BulkSession, initStudy, insertSessionsBulk } from '@alliance-lab/core';

/**
 * The dataset benchmark's store: 2,500 clients × 10 sessions, each session with eight questionnaires (client and
 * therapist WAI-SR and CALPAS, two coders' CALPAS and WAI-O-S observer forms), 40 scale scores a session: a
 * million score rows. Items are left out, so the export's time is the scores' (the responses table is empty).
 */
export const CLIENTS = 2_500;
export const SESSIONS = 10;
export const SCORE_ROWS = CLIENTS * SESSIONS * 40;

const FORMS: Array<{ instrument: string; form: string; respondent: string; scales: string[] }> = [
  { instrument: 'wai-sr', form: 'client', respondent: 'client', scales: ['goal', 'task', 'bond', 'total'] },
  { instrument: 'wai-sr', form: 'therapist', respondent: 'therapist', scales: ['goal', 'task', 'bond', 'total'] },
  { instrument: 'calpas', form: 'client', respondent: 'client', scales: ['pwc', 'pc', 'wsc', 'tui', 'total'] },
  { instrument: 'calpas', form: 'therapist', respondent: 'therapist', scales: ['pwc', 'pc', 'wsc', 'tui', 'total'] },
  { instrument: 'calpas', form: 'observer', respondent: 'k1', scales: ['pwc', 'pc', 'wsc', 'tui', 'total'] },
  { instrument: 'calpas', form: 'observer', respondent: 'k2', scales: ['pwc', 'pc', 'wsc', 'tui', 'total'] },
  {
    instrument: 'wai-o-s',
    form: 'observer',
    respondent: 'k1',
    scales: ['goal', 'task', 'bond', 'agreement', 'relationship', 'total'],
  },
  {
    instrument: 'wai-o-s',
    form: 'observer',
    respondent: 'k2',
    scales: ['goal', 'task', 'bond', 'agreement', 'relationship', 'total'],
  },
];

function* sessions(): Generator<BulkSession> {
  let i = 0;
  for (let c = 0; c < CLIENTS; c++)
    for (let s = 1; s <= SESSIONS; s++) {
      const day = new Date(Date.UTC(2025, 0, 6) + (s - 1) * 7 * 86_400_000 + (c % 5) * 86_400_000);
      yield {
        session: {
          client: `C${String(c + 1).padStart(5, '0')}`,
          therapist: `T${String((c % 60) + 1).padStart(3, '0')}`,
          session: s,
          date: day.toISOString().slice(0, 10),
        },
        responses: FORMS.map((f) => ({
          response: { instrument: f.instrument, form: f.form, respondent: f.respondent, items: {} },
          scores: f.scales.map((scale) => {
            i++;
            // Every 97th scale unscored, every 31st prorated; scores with two decimals, as scoring gives them.
            const score = i % 97 === 0 ? null : 1 + ((i * 7919) % 601) / 100;
            return {
              scale,
              score,
              pomp: score === null ? null : ((score - 1) / 6) * 100,
              prorated: i % 31 === 0,
              missing: score === null,
            };
          }),
        })),
      };
    }
}

/** Creates the study in `dir` (a fresh folder), outside any timing. */
export async function buildDatasetStudy(dir: string): Promise<{ seconds: number; scores: number }> {
  const started = performance.now();
  const study = await initStudy(dir, {
    name: 'dataset-bench',
    instruments: [...new Map(FORMS.map((f) => [`${f.instrument}:${f.form}`, f])).values()].map((f) => ({
      instrument: f.instrument,
      form: f.form as 'client' | 'therapist' | 'observer',
    })),
  });
  try {
    const n = await insertSessionsBulk(study.sqlite!, 'bench', sessions());
    return { seconds: (performance.now() - started) / 1000, scores: n.scores };
  } finally {
    await study.close();
  }
}
