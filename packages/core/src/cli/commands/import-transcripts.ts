import { statSync } from 'node:fs';
import { z } from 'zod';
import type { TranscriptImportSummary } from '../../import/transcripts/import-files';
import type { CsvColumns, SessionMeta } from '../../import/transcripts/types';
import { IsoDate, PseudonymId } from '../../schemas/ids';
import { parseDelimiterOption } from '../../util/csv';
import { UsageError } from '../../util/errors';
import { defineCommand } from '../command';
import { flag, integer, list, text } from '../options';
import { formatBytes } from '../progress';

const CSV_FIELDS: ReadonlyArray<keyof CsvColumns> = [
  'client',
  'therapist',
  'session',
  'date',
  'speaker',
  'text',
  'start',
  'end',
  'id',
];

export const importTranscriptsCommand = defineCommand({
  path: ['import', 'transcripts'],
  summary: 'import session transcripts (JSON, JSONL, CSV, WebVTT, SRT, plain text) into a study',
  description: [
    'Each file imports whole or not at all. Re-importing the same content adds nothing; changed content for a',
    'session stores a new version and keeps the old one. The format follows the extension (.json, .jsonl,',
    '.csv, .vtt, .srt, .txt) unless --format says otherwise. VTT, SRT and text files carry no session',
    'metadata: give --client/--therapist/--session (and --date), or --name-pattern for many files. CSV files',
    'may be comma-, semicolon- or tab-separated (detected, or --delimiter). --dry-run counts what would be',
    'added, changed and left alone, and writes nothing.',
  ].join('\n'),
  positionals: { name: 'FILE...', min: 1 },
  options: z.object({
    study: text('study folder', 'DIR'),
    format: text('json, jsonl, csv, vtt, srt or text (default: by extension)', 'NAME').optional(),
    columns: list(`CSV header names for ${CSV_FIELDS.join(', ')} (default: the field names)`, 'FIELD=HEADER,...'),
    speakers: list(
      'map speaker labels to therapist, client or other (role words and labels such as counselor, supporter, patient, seeker need none); quote a label with a comma: \'"Lee, Jordan"=therapist\'',
      'NAME=ROLE,...',
    ),
    'speakers-file': text(
      'speaker map as a CSV with the header speaker,role (with --speakers, both apply)',
      'FILE',
    ).optional(),
    delimiter: text(
      'CSV field separator: a character, or comma, semicolon, tab (default: detected from the header)',
      'CHAR',
    ).optional(),
    'dry-run': flag('say what the import would add, change and leave alone, and write nothing'),
    client: text('client pseudonym for files without one', 'ID').optional(),
    therapist: text('therapist pseudonym for files without one', 'ID').optional(),
    session: integer('session number for files without one', 'N', { min: 1 }).optional(),
    date: text('session date for files without one', 'YYYY-MM-DD').optional(),
    'name-pattern': text(
      'read metadata off file names, e.g. "{client}_s{session}.vtt" ({client} {therapist} {session} {date}, * for anything)',
      'PATTERN',
    ).optional(),
  }),
  examples: [
    'alliance import transcripts --study pilot --client C01 --therapist T02 --session 3 --speakers "Dr. Lee=therapist,Sam=client" zoom.vtt',
    'alliance import transcripts --study pilot --therapist T02 --name-pattern "{client}_s{session}.vtt" captions/*.vtt',
    'alliance import transcripts --study pilot --columns client=transcript_id,speaker=interlocutor,text=utterance_text,start=timestamp --therapist T01 --session 1 AnnoMI-simple.csv',
    'alliance import transcripts --study pilot sessions.jsonl --json',
  ],
  async run(ctx, o) {
    const [{ importTranscriptFiles }, { NamePattern }, { SpeakerMap }, { openStudy }] = await Promise.all([
      import('../../import/transcripts/import-files'),
      import('../../import/transcripts/name-pattern'),
      import('../../import/transcripts/speaker-map'),
      import('../../store/study'),
    ]);
    const pattern = o['name-pattern'];
    const speakersFile = o['speakers-file'];
    const delimiter = parseDelimiterOption(o.delimiter);
    const dryRun = o['dry-run'];
    const request = {
      files: ctx.positionals,
      format: o.format,
      columns: parseColumns(o.columns),
      speakers: SpeakerMap.parse([
        ...(speakersFile === undefined ? [] : await SpeakerMap.entriesFromFile(speakersFile)),
        ...o.speakers,
      ]),
      meta: parseMeta(o),
      ...(delimiter !== undefined ? { delimiter } : {}),
      ...(dryRun ? { dryRun } : {}),
      namePattern: pattern === undefined ? undefined : NamePattern.compile(pattern),
    };
    const study = await openStudy(o.study);
    // Progress follows bytes read, so one large file moves the bar as well as many small ones do.
    const sizes = request.files.map((f) => statSync(f, { throwIfNoEntry: false })?.size ?? 0);
    const total = sizes.reduce((a, b) => a + b, 0);
    const bar = ctx.progress({ label: 'importing', total, format: formatBytes });
    const files = request.files.length;
    let filesDone = 0;
    let read = 0;
    let sessions = 0;
    let utterances = 0;
    const fields = () => ({ files: `${filesDone}/${files}`, sessions, utterances });
    try {
      const summary = await importTranscriptFiles(study, {
        ...request,
        signal: ctx.signal,
        onWarning: (m) => ctx.warn(m),
        onBytes: (p) => bar.update((read += p.bytes), fields()),
        onSession: (p) => {
          sessions++;
          utterances += p.utterances;
          bar.tick(0, fields());
        },
        onFile: (_f, i) => {
          filesDone++;
          // A file's bytes are all counted once it is stored, whatever its parser reported.
          read = sizes.slice(0, i + 1).reduce((a, b) => a + b, 0);
          bar.update(read, fields());
        },
      });
      bar.finish();
      if (dryRun) {
        const counts = {
          add: summary.sessionsImported,
          change: summary.newVersions + summary.restored,
          unchanged: summary.unchanged,
        };
        return {
          data: counts,
          text: `dry run, nothing written: ${summary.files} file${summary.files === 1 ? '' : 's'} would add ${counts.add} session${counts.add === 1 ? '' : 's'}, change ${counts.change} (a new transcript version each) and leave ${counts.unchanged} unchanged`,
        };
      }
      const { perFile: _perFile, ...data } = summary;
      return { data, text: describe(summary) };
    } catch (err) {
      bar.finish();
      const done = (err as { imported?: TranscriptImportSummary }).imported;
      if (done && done.files > 0)
        ctx.log(
          `${done.files} file${done.files === 1 ? ' was' : 's were'} imported before the error (${describe(done)})`,
        );
      throw err;
    } finally {
      await study.close();
    }
  },
});

function parseColumns(entries: string[]): CsvColumns {
  const out: CsvColumns = {};
  for (const e of entries) {
    const eq = e.indexOf('=');
    const field = e.slice(0, eq).trim() as keyof CsvColumns;
    const header = e.slice(eq + 1).trim();
    if (eq < 0 || !CSV_FIELDS.includes(field) || header === '') {
      throw new UsageError(`--columns entry "${e}" should be FIELD=HEADER with FIELD one of ${CSV_FIELDS.join(', ')}`);
    }
    out[field] = header;
  }
  return out;
}

function parseMeta(o: Pick<SessionMeta, 'client' | 'therapist' | 'session' | 'date'>): SessionMeta {
  const meta: SessionMeta = {};
  for (const f of ['client', 'therapist'] as const) {
    const v = o[f];
    if (v === undefined) continue;
    const ok = PseudonymId.safeParse(v);
    if (!ok.success) throw new UsageError(`--${f} must be ${ok.error.issues[0]!.message}`);
    meta[f] = v;
  }
  if (o.session !== undefined) meta.session = o.session;
  const date = o.date;
  if (date !== undefined) {
    if (!IsoDate.safeParse(date).success)
      throw new UsageError(`--date must be a real date as YYYY-MM-DD, got "${date}"`);
    meta.date = date;
  }
  return meta;
}

function describe(s: TranscriptImportSummary): string {
  const parts = [
    `${s.sessionsImported} new session${s.sessionsImported === 1 ? '' : 's'}`,
    `${s.newVersions} new version${s.newVersions === 1 ? '' : 's'}`,
    ...(s.restored ? [`${s.restored} restored`] : []),
    `${s.unchanged} unchanged`,
    `${s.utterances} utterances`,
  ];
  return `imported ${s.files} file${s.files === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
