import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  importResponses,
  importTranscriptFiles,
  initStudy,
  loadResponseForm,
  type Study,
  type StudyConfigInput,
} from '@alliance-lab/core';
import { defaultServices, rateStudy } from '@alliance-lab/raters';
import { tempDir } from '../../../../test/support/temp-dir';

/**
 * A small study for the server's tests, built through the same core and raters APIs the CLI uses:
 *
 * - C01 (therapist T1), sessions 1–6: WAI-SR totals 55 56 55 25 56 57 (a rupture at 4, repaired at 5), SRS on
 *   sessions 1–3, coder K1's WAI-O-S on sessions 2 and 4, transcripts rated by `lexicon` with two replicates;
 * - C02 (T1), sessions 1–6: steady WAI-SR totals 40 41 40 41 40 41, transcripts, rated;
 * - C03 (T2), sessions 1–4: WAI-SR 45 46 47 46; transcripts for 1–3 only (session 4 exists through its
 *   questionnaire).
 *
 * Every transcript carries TRANSCRIPT_MARKER, so a test can check that no page or response ever shows transcript text.
 */
export const TRANSCRIPT_MARKER = 'the blue heron by the canal';

export const WAI_SR_TOTALS: Record<string, number[]> = {
  C01: [55, 56, 55, 25, 56, 57],
  C02: [40, 41, 40, 41, 40, 41],
  C03: [45, 46, 47, 46],
};

const THERAPIST: Record<string, string> = { C01: 'T1', C02: 'T1', C03: 'T2' };
const TRANSCRIPT_SESSIONS: Record<string, number> = { C01: 6, C02: 6, C03: 3 };

export interface TestStudyOptions {
  name?: string;
  description?: string;
  /** Name WAI-SR client total as analysis.criterion (default true). */
  criterion?: boolean;
}

export async function createTestStudy(opts: TestStudyOptions = {}): Promise<Study> {
  const dir = join(tempDir('server-'), 'study');
  const config: StudyConfigInput = {
    name: opts.name ?? 'Server test study',
    ...(opts.description ? { description: opts.description } : {}),
    raters: { lexicon: { provider: 'lexicon', forms: ['wai-o-s:observer'] } },
    ...(opts.criterion === false
      ? {}
      : {
          analysis: {
            criterion: { instrument: 'wai-sr', form: 'client', scale: 'total' },
            ruptures: { k: 1, window: 3 },
          },
        }),
  };
  const study = await initStudy(dir, config, { actor: 'test' });

  const transcripts = Object.entries(TRANSCRIPT_SESSIONS).flatMap(([client, n]) =>
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        client,
        therapist: THERAPIST[client],
        session: i + 1,
        date: date(i + 1),
        utterances: utterances(client, i + 1),
      }),
    ),
  );
  await importTranscriptFiles(study, { files: [write(dir, 'transcripts.jsonl', `${transcripts.join('\n')}\n`)] });

  const waiRows = Object.entries(WAI_SR_TOTALS).flatMap(([client, totals]) =>
    totals.map((total, i) =>
      [client, THERAPIST[client], i + 1, date(i + 1), ...itemsSummingTo(total, 12, 1, 5)].join(','),
    ),
  );
  await importCsv(study, 'wai-sr', 'client', [`client,therapist,session,date,${range(12).join(',')}`, ...waiRows]);
  await importCsv(study, 'srs', 'client', [
    'client,session,1,2,3,4',
    'C01,1,9,9,9,9',
    'C01,2,8,8,8,8',
    'C01,3,10,10,10,9',
  ]);
  await importCsv(study, 'wai-o-s', 'observer', [
    `client,session,coder,${range(12).join(',')}`,
    `C01,2,K1,${Array(12).fill(6).join(',')}`,
    `C01,4,K1,${Array(12).fill(3).join(',')}`,
  ]);

  const run = await rateStudy(study, { rater: 'lexicon', replicates: 2, services: defaultServices(study) });
  if (run.summary.failed > 0) throw new Error(`test study: ${run.summary.failed} lexicon ratings failed`);
  return study;
}

async function importCsv(study: Study, instrument: string, form: string, lines: string[]): Promise<void> {
  const file = write(study.dir, `${instrument}-${form}.csv`, `${lines.join('\n')}\n`);
  const summary = await importResponses(study, { file, form: loadResponseForm(study.dir, instrument, form) });
  if (summary.errors.length) throw new Error(`test study: ${file}: ${summary.errors.map((e) => e.message).join('; ')}`);
}

function utterances(client: string, session: number) {
  return [
    { id: 'u1', role: 'therapist', text: 'Welcome back. What would you like us to focus on today?' },
    { id: 'u2', role: 'client', text: `I keep thinking about ${TRANSCRIPT_MARKER}, and about work.` },
    {
      id: 'u3',
      role: 'therapist',
      text: 'It sounds like that matters to you. Shall we agree on a goal for today together?',
    },
    { id: 'u4', role: 'client', text: `Yes, I think that would help. (${client} session ${session})` },
  ];
}

/** Item values on [min, max] whose sum is total, spread as evenly as the scale allows. */
function itemsSummingTo(total: number, items: number, min: number, max: number): number[] {
  if (total < items * min || total > items * max)
    throw new RangeError(`no ${items} items on ${min}–${max} sum to ${total}`);
  const base = Math.floor(total / items);
  const extra = total - base * items;
  return Array.from({ length: items }, (_, i) => base + (i < extra ? 1 : 0));
}

const date = (session: number) => `2026-01-${String(session * 4).padStart(2, '0')}`;
const range = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1));

function write(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
