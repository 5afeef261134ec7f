import { statSync } from 'node:fs';
import type { Study } from '../../store/study';
import { InputError } from '../../util/errors';
import { watchReads } from '../../util/text-input';
import { formatFor } from './formats';
import type { NamePattern } from './name-pattern';
import { metaForFile } from './session-meta';
import { SpeakerMap } from './speaker-map';
import { storeTranscript, type StoreStatus } from '../../store/transcripts';
import { writeTransaction } from '../../store/write-lock';
import { parseInWorker } from './threaded-parse';
import type { CsvColumns, FormatName, SessionMeta } from './types';

export interface TranscriptImportRequest {
  files: readonly string[];
  /** Otherwise by extension. */
  format?: FormatName | string;
  columns?: CsvColumns;
  speakers?: SpeakerMap;
  /** --client, --therapist, --session, --date. */
  meta?: SessionMeta;
  namePattern?: NamePattern;
  /** Called after each stored session, for progress display. */
  onSession?: (p: { file: string; fileIndex: number; status: StoreStatus; utterances: number }) => void;
  /** Called after each file commits. */
  onFile?: (summary: TranscriptFileSummary, fileIndex: number) => void;
  /** Bytes of a file read so far by its parser (called per block read), for progress within a large file. */
  onBytes?: (p: { file: string; fileIndex: number; bytes: number }) => void;
  signal?: AbortSignal;
  /** Files at least this large are parsed on a second thread while this one writes (default 16 MiB). */
  threadedFromBytes?: number;
  /** CSV field separator (--delimiter); detected from each file's header when not given. */
  delimiter?: string;
  /** Told about what a parser fixed up (caption cues stored in time order, not file order). */
  onWarning?: (message: string) => void;
  /** Count what each file would add, change and leave alone, rolling its transaction back: nothing is written. */
  dryRun?: boolean;
}

const THREADED_FROM_BYTES = 16 * 1024 * 1024;

export interface TranscriptImportCounts {
  /** Sessions whose first transcript this import stored. */
  sessionsImported: number;
  /** Sessions that got a new version of their transcript. */
  newVersions: number;
  /** Sessions whose current version went back to an earlier one with the same content. */
  restored: number;
  /** Sessions whose current transcript already had this content. */
  unchanged: number;
  /** Utterance rows written. */
  utterances: number;
}

export interface TranscriptFileSummary extends TranscriptImportCounts {
  file: string;
  format: FormatName;
}

export interface TranscriptImportSummary extends TranscriptImportCounts {
  files: number;
  perFile: TranscriptFileSummary[];
}

const COUNTER: Record<StoreStatus, Exclude<keyof TranscriptImportCounts, 'utterances'>> = {
  imported: 'sessionsImported',
  'new-version': 'newVersions',
  restored: 'restored',
  unchanged: 'unchanged',
};

/**
 * Imports transcript files one by one, each in its own transaction: a file lands whole or not at all, and a bad
 * file stops the import with its error (files before it stay imported; the summary of those is on the error as
 * `imported`). Sessions stream from the parser into the store, so memory stays flat whatever the file size.
 */
export async function importTranscriptFiles(
  study: Study,
  req: TranscriptImportRequest,
): Promise<TranscriptImportSummary> {
  const speakers = req.speakers ?? SpeakerMap.empty;
  const summary: TranscriptImportSummary = {
    files: 0,
    sessionsImported: 0,
    newVersions: 0,
    restored: 0,
    unchanged: 0,
    utterances: 0,
    perFile: [],
  };
  // Check every file's existence, format and metadata first, so a typo in file 9 does not leave files 1-8 imported.
  const plans = req.files.map((path) => {
    const format = formatFor(path, req.format);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) throw new InputError('file not found', { file: path });
    if (!stat.isFile()) throw new InputError('not a regular file', { file: path });
    return { path, format, bytes: stat.size, meta: metaForFile(req.meta ?? {}, req.namePattern, path, path) };
  });

  for (const [fileIndex, plan] of plans.entries()) {
    const file: TranscriptFileSummary = {
      file: plan.path,
      format: plan.format.name,
      sessionsImported: 0,
      newVersions: 0,
      restored: 0,
      unchanged: 0,
      utterances: 0,
    };
    try {
      await writeTransaction(study.db, async (trx) => {
        // Counted afresh on each attempt: PostgreSQL runs a transaction again when it loses a race.
        Object.assign(file, { sessionsImported: 0, newVersions: 0, restored: 0, unchanged: 0, utterances: 0 });
        const sink = { db: trx, sqlite: study.sqlite, actor: study.actor };
        const columns = req.columns ?? {};
        const onBytes = (n: number) => req.onBytes?.({ file: plan.path, fileIndex, bytes: n });
        // A thread costs ~0.3 s to start; it pays for itself only when parsing takes longer than that.
        const sessions =
          plan.bytes >= (req.threadedFromBytes ?? THREADED_FROM_BYTES)
            ? parseInWorker(
                {
                  format: plan.format.name,
                  path: plan.path,
                  label: plan.path,
                  meta: plan.meta,
                  speakers: speakers.entries,
                  columns,
                  ...(req.delimiter ? { delimiter: req.delimiter } : {}),
                  onBytes,
                },
                req.onWarning,
              )
            : plan.format.parse({
                path: plan.path,
                label: plan.path,
                meta: plan.meta,
                speakers: speakers.forFile(plan.path),
                columns,
                ...(req.delimiter ? { delimiter: req.delimiter } : {}),
                ...(req.onWarning ? { warn: req.onWarning } : {}),
              });
        const unwatch = watchReads(plan.path, onBytes);
        try {
          for await (const parsed of sessions) {
            if (req.signal?.aborted) throw new TranscriptImportInterrupted(plan.path);
            const outcome = await storeTranscript(sink, parsed, { file: plan.path, format: plan.format.name });
            file[COUNTER[outcome.status]]++;
            file.utterances += outcome.utterances;
            req.onSession?.({ file: plan.path, fileIndex, status: outcome.status, utterances: outcome.utterances });
          }
        } finally {
          unwatch();
        }
        // The same writes as a real import, so the counts are exact; the rollback undoes them.
        if (req.dryRun) throw new DryRunRollback();
      });
    } catch (err) {
      if (!(err instanceof DryRunRollback)) {
        if (err instanceof Error) Object.assign(err, { imported: summary });
        throw err;
      }
    }
    summary.files++;
    for (const k of Object.values(COUNTER)) summary[k] += file[k];
    summary.utterances += file.utterances;
    summary.perFile.push(file);
    req.onFile?.(file, fileIndex);
  }
  return summary;
}

class DryRunRollback extends Error {}

/** The import was stopped (Ctrl-C); the file in progress was rolled back. */
export class TranscriptImportInterrupted extends Error {
  constructor(readonly file: string) {
    super(`import interrupted; ${file} was rolled back, files before it are kept`);
    this.name = 'TranscriptImportInterrupted';
  }
}
