import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alliance } from '../../scripts/demo/run-cli';

const DEMO = fileURLToPath(new URL('../../datasets/demo/', import.meta.url));

/** What a de-identified export must not contain, all of it put into the fixture study on purpose. */
export interface Secrets {
  clients: string[];
  therapists: string[];
  speakers: string[];
  dates: string[];
  texts: string[];
}

interface DemoTranscript {
  client: string;
  therapist: string;
  session: number;
  date: string;
  utterances: Array<{ id: string; role: string; speaker?: string; text: string }>;
}

/**
 * A small study made through the CLI from demo transcripts with ids, speaker labels and dates swapped for
 * distinctive ones: two clients, four sessions each, rated by the lexicon rater and coded by the utterance coder, with client SRS (submission
 * times included) and a coder's WAI-O-S (which has reversed items).
 */
export async function datasetFixture(dir: string): Promise<{ study: string; secrets: Secrets }> {
  const study = join(dir, 'study');
  const input = join(dir, 'input');
  mkdirSync(input, { recursive: true });
  const clients = new Map([
    ['C01', 'QXCLIENT01'],
    ['C02', 'QXCLIENT02'],
  ]);
  const therapists = new Map<string, string>();
  const secrets: Secrets = { clients: [...clients.values()], therapists: [], speakers: [], dates: [], texts: [] };
  const lines = readFileSync(join(DEMO, 'transcripts.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as DemoTranscript)
    .filter((t) => clients.has(t.client) && t.session <= 4)
    .map((t, i) => {
      if (!therapists.has(t.therapist)) therapists.set(t.therapist, `QXTHERAPIST${therapists.size + 1}`);
      const client = clients.get(t.client)!;
      // Irregular gaps, so a test can tell kept intervals from numbered sessions.
      const date = new Date(Date.UTC(2031, 4, 3) + (i % 4) * (i % 4) * 5 * 86_400_000).toISOString().slice(0, 10);
      secrets.dates.push(date);
      const utterances = t.utterances.map((u) => {
        const speaker = `Spkr${u.role}${client}`;
        secrets.speakers.push(speaker);
        if (u.text.length >= 24) secrets.texts.push(u.text);
        return { ...u, speaker };
      });
      return { ...t, client, therapist: therapists.get(t.therapist)!, date, utterances };
    });
  secrets.therapists = [...therapists.values()];
  writeFileSync(join(input, 'transcripts.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  const srs = ['client,session,1,2,3,4,submitted_at'];
  const coder = ['client,session,coder,1,2,3,4,5,6,7,8,9,10,11,12'];
  for (const t of lines) {
    const submitted = `${t.date}T18:2${t.session}:00Z`;
    secrets.dates.push(submitted.slice(0, 10));
    srs.push(
      `${t.client},${t.session},${[8, 3.5, 7, 9][t.session - 1]},9.${t.session},8,${t.session === 3 ? '' : 7.5},${submitted}`,
    );
    coder.push(`${t.client},${t.session},K7,5,5,4,2,5,5,6,6,5,3,4,${t.session}`);
  }
  writeFileSync(join(input, 'srs.csv'), `${srs.join('\n')}\n`);
  writeFileSync(join(input, 'wai-o-s.csv'), `${coder.join('\n')}\n`);

  await alliance(['init', study]);
  await alliance(['import', 'transcripts', '--study', study, join(input, 'transcripts.jsonl')]);
  for (const [instrument, form, file] of [
    ['srs', 'client', 'srs.csv'],
    ['wai-o-s', 'observer', 'wai-o-s.csv'],
  ] as const)
    await alliance([
      'import',
      'responses',
      '--study',
      study,
      '--instrument',
      instrument,
      '--form',
      form,
      join(input, file),
    ]);
  await alliance(['rate', '--study', study, '--rater', 'lexicon']);
  await alliance(['code', '--study', study, '--out', join(dir, 'codes.csv')]);
  return { study, secrets };
}
