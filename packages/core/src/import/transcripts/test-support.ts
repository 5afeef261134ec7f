import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditTrail } from '../../store/audit';
import { studyCounts } from '../../store/status';
import { initStudy, type Study } from '../../store/study';
import { SpeakerMap } from './speaker-map';
import type { ParsedSession, ParseInput, SessionMeta, TranscriptFormat } from './types';
import { tempDir } from '../../../../../test/support/temp-dir';

/** Helpers shared by the transcript-import tests (fixtures live in test/fixtures/transcripts at the repo root). */
export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../test/fixtures/transcripts');

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** Writes a small input file into a fresh temporary folder, keeping its name (messages name the file). */
export function tempFile(name: string, content: string | Uint8Array): string {
  const p = join(tempDir('transcript-input-'), name);
  writeFileSync(p, content);
  return p;
}

export async function freshStudy(): Promise<Study> {
  return initStudy(join(tempDir('transcripts-'), 'study'), { name: 'import test' }, { actor: 'tester' });
}

export async function parseAll(
  format: TranscriptFormat,
  path: string,
  opts: {
    meta?: SessionMeta;
    speakers?: string[];
    columns?: ParseInput['columns'];
    warn?: (message: string) => void;
  } = {},
): Promise<ParsedSession[]> {
  const out: ParsedSession[] = [];
  const input = {
    path,
    label: path,
    meta: opts.meta ?? {},
    speakers: SpeakerMap.parse(opts.speakers ?? []).forFile(path),
    columns: opts.columns ?? {},
    ...(opts.warn ? { warn: opts.warn } : {}),
  };
  for await (const s of format.parse(input)) out.push(s);
  return out;
}

/** Everything an import could change: status counts, every version and utterance row, the audit table. */
export async function snapshot(study: Study) {
  const all = async (table: 'transcripts' | 'utterances' | 'sessions' | 'clients' | 'therapists') =>
    Number(
      (
        await study.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    counts: await studyCounts(study.db),
    rows: {
      transcripts: await all('transcripts'),
      utterances: await all('utterances'),
      sessions: await all('sessions'),
      clients: await all('clients'),
      therapists: await all('therapists'),
    },
    audit: await auditTrail(study.db),
  };
}
