import { IsoDate, PseudonymId } from '../../schemas/ids';
import { importTranscriptFiles, type TranscriptImportSummary } from '../../import/transcripts/import-files';
import { NamePattern } from '../../import/transcripts/name-pattern';
import { SpeakerMap } from '../../import/transcripts/speaker-map';
import type { CsvColumns, SessionMeta } from '../../import/transcripts/types';
import { openStudy } from '../../store/study';
import { parseDelimiterOption } from '../../util/csv';
import { UsageError } from '../../util/errors';
import { defineCommand, type CommandContext } from '../command';

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
  usage: 'alliance import transcripts --study DIR [options] FILE...',
  description: [
    'Each file imports whole or not at all. Re-importing the same content adds nothing; changed content for a',
    'session stores a new version and keeps the old one. The format follows the extension (.json, .jsonl,',
    '.csv, .vtt, .srt, .txt) unless --format says otherwise. VTT, SRT and text files carry no session',
    'metadata: give --client/--therapist/--session (and --date), or --name-pattern for many files. CSV files',
    'may be comma-, semicolon- or tab-separated (detected, or --delimiter). --dry-run counts what would be',
    'added, changed and left alone, and writes nothing.',
  ].join('\n'),
  positionals: { name: 'FILE...', min: 1 },
  options: {
    study: { type: 'string', placeholder: 'DIR', description: 'study folder', required: true },
    format: {
      type: 'string',
      placeholder: 'NAME',
      description: 'json, jsonl, csv, vtt, srt or text (default: by extension)',
    },
    columns: {
      type: 'string',
      placeholder: 'FIELD=HEADER,...',
      multiple: true,
      description: `CSV header names for ${CSV_FIELDS.join(', ')} (default: the field names)`,
    },
    speakers: {
      type: 'string',
      placeholder: 'NAME=ROLE,...',
      multiple: true,
      description:
        'map speaker labels to therapist, client or other; quote a label with a comma: \'"Lee, Jordan"=therapist\'',
    },
    'speakers-file': {
      type: 'string',
      placeholder: 'FILE',
      description: 'speaker map as a CSV with the header speaker,role (with --speakers, both apply)',
    },
    delimiter: {
      type: 'string',
      placeholder: 'CHAR',
      description: 'CSV field separator: a character, or comma, semicolon, tab (default: detected from the header)',
    },
    'dry-run': {
      type: 'boolean',
      description: 'say what the import would add, change and leave alone, and write nothing',
    },
    client: { type: 'string', placeholder: 'ID', description: 'client pseudonym for files without one' },
    therapist: { type: 'string', placeholder: 'ID', description: 'therapist pseudonym for files without one' },
    session: { type: 'string', placeholder: 'N', description: 'session number for files without one' },
    date: { type: 'string', placeholder: 'YYYY-MM-DD', description: 'session date for files without one' },
    'name-pattern': {
      type: 'string',
      placeholder: 'PATTERN',
      description:
        'read metadata off file names, e.g. "{client}_s{session}.vtt" ({client} {therapist} {session} {date}, * for anything)',
    },
  },
  examples: [
    'alliance import transcripts --study pilot --client C01 --therapist T02 --session 3 --speakers "Dr. Lee=therapist,Sam=client" zoom.vtt',
    'alliance import transcripts --study pilot --therapist T02 --name-pattern "{client}_s{session}.vtt" captions/*.vtt',
    'alliance import transcripts --study pilot --columns client=transcript_id,speaker=interlocutor,text=utterance_text,start=timestamp --therapist T01 --session 1 AnnoMI-simple.csv',
    'alliance import transcripts --study pilot sessions.jsonl --json',
  ],
  async run(ctx) {
    const speakersFile = ctx.str('speakers-file');
    const delimiter = parseDelimiterOption(ctx.str('delimiter'));
    const dryRun = ctx.bool('dry-run');
    const request = {
      files: ctx.positionals,
      format: ctx.str('format'),
      columns: parseColumns(ctx.list('columns')),
      speakers: SpeakerMap.parse([
        ...(speakersFile === undefined ? [] : await SpeakerMap.entriesFromFile(speakersFile)),
        ...ctx.list('speakers'),
      ]),
      meta: parseMeta(ctx),
      ...(delimiter !== undefined ? { delimiter } : {}),
      ...(dryRun ? { dryRun } : {}),
      namePattern: ctx.str('name-pattern') === undefined ? undefined : NamePattern.compile(ctx.str('name-pattern')!),
    };
    const study = await openStudy(ctx.need('study'));
    const bar = ctx.progress({ label: 'importing', total: request.files.length, unit: 'files' });
    let sessions = 0;
    let utterances = 0;
    try {
      const summary = await importTranscriptFiles(study, {
        ...request,
        signal: ctx.signal,
        onWarning: (m) => ctx.warn(m),
        onSession: (p) => bar.tick(0, { sessions: ++sessions, utterances: (utterances += p.utterances) }),
        onFile: () => bar.tick(1),
      });
      bar.finish();
      const { perFile: _perFile, ...data } = summary;
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

function parseMeta(ctx: CommandContext): SessionMeta {
  const meta: SessionMeta = {};
  for (const f of ['client', 'therapist'] as const) {
    const v = ctx.str(f);
    if (v === undefined) continue;
    const ok = PseudonymId.safeParse(v);
    if (!ok.success) throw new UsageError(`--${f} must be ${ok.error.issues[0]!.message}`);
    meta[f] = v;
  }
  const session = ctx.num('session', undefined, { min: 1, integer: true });
  if (session !== undefined) meta.session = session;
  const date = ctx.str('date');
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
