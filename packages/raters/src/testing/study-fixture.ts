import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importTranscriptFiles, initStudy, type StudyConfigInput } from '@alliance-lab/core';
import type { RaterOutput } from '../result-schema';
import { tempDir } from '../../../../test/support/temp-dir';

/**
 * A small study for rater tests and benches: sessions whose talk is the same apart from one line (so each
 * transcript hashes differently while one scripted answer stays valid for all), with names, a phone number and
 * a street address for the de-identification checks.
 */
export const NAMES = ['Sam Rivera', 'Maria Lopez'];

export function sessionUtterances(client: string, session: number) {
  return [
    { id: 'u1', role: 'therapist', text: 'Hi Sam, good to see you again. How was your week?' },
    { id: 'u2', role: 'client', text: 'It was hard. I kept going over what we talked about last time.' },
    { id: 'u3', role: 'therapist', text: 'It sounds like a heavy week. Shall we set an agenda together for today?' },
    {
      id: 'u4',
      role: 'client',
      text: 'Yes. I want to talk about my sister Maria Lopez and the move to 12 Elm Street.',
    },
    { id: 'u5', role: 'therapist', text: "Let's start there, and check in at the end about how today went for you." },
    {
      id: 'u6',
      role: 'client',
      text: `Okay. My number changed, it is 555-123-4567 now. (${client} session ${session})`,
    },
  ];
}

export interface FixtureOptions {
  /** Rater entries as study.json holds them; their providers' schemas check them when a run starts. */
  raters: Record<string, { provider: string; [key: string]: unknown }>;
  clients?: number;
  sessionsPerClient?: number;
  remoteProviders?: StudyConfigInput['remoteProviders'];
  privateHosts?: string[];
}

export async function createFixtureStudy(opts: FixtureOptions) {
  const dir = join(tempDir('rate-'), 'study');
  const study = await initStudy(dir, {
    name: 'rater fixture',
    raters: opts.raters as StudyConfigInput['raters'],
    remoteProviders: opts.remoteProviders ?? 'allow',
    privacy: { names: NAMES, privateHosts: opts.privateHosts ?? [] },
  });
  const lines: string[] = [];
  for (let c = 1; c <= (opts.clients ?? 2); c++) {
    for (let s = 1; s <= (opts.sessionsPerClient ?? 2); s++) {
      const client = `C${String(c).padStart(2, '0')}`;
      lines.push(JSON.stringify({ client, therapist: 'T1', session: s, utterances: sessionUtterances(client, s) }));
    }
  }
  const file = join(dir, 'sessions.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  await importTranscriptFiles(study, { files: [file] });
  return { dir, study };
}

/** A valid WAI-O-S answer for any fixture session: every item, one grounded signal, no ruptures. */
export function validAnswer(value = 5): RaterOutput {
  return {
    forms: [
      {
        instrument: 'wai-o-s',
        form: 'observer',
        items: Array.from({ length: 12 }, (_, i) => ({
          item: String(i + 1),
          value,
          rationale: 'The therapist proposes setting the agenda together.',
          evidence: ['u3'],
        })),
      },
    ],
    signals: [
      {
        domain: 'collaboration-goals',
        subSignal: 'task-alignment',
        direction: 'strength',
        strength: 0.6,
        evidence: ['u3'],
        quote: 'shall we set an agenda together',
      },
    ],
    ruptures: [],
  };
}
