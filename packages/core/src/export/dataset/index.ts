import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { loadRegistry } from '@alliance-lab/instruments';
import {
  datasetAuditPages,
  datasetCodedTranscripts,
  datasetCodePages,
  datasetRatingIds,
  datasetRatingPages,
  datasetResponsePages,
} from '../../store/dataset-reads';
import { STUDY_FILE, type Study } from '../../store/study';
import { wideCodebookRows } from '../../study/codebook';
import { UsageError } from '../../util/errors';
import { datasetCodebookCsv, datasetCodebookMd, type DocumentedColumn } from './codebook';
import { type ColumnSpec, columnsFor, type ExportMode, TABLES, type TableSpec } from './columns';
import { datasetContext, type ScoreTables, writeScoreTables } from './score-tables';
import { datasetReadme } from './readme';
import {
  auditRows,
  codeSummaryRows,
  ratingItemRows,
  ratingRunRows,
  raterRuptureRows,
  responseRows,
  scoreDropRows,
  sessionRows,
  signalRows,
  utteranceCodeRows,
} from './table-rows';
import { type DataFormat, type Row, TableWriter, type WrittenTable } from './table-writer';

export { DATA_FORMATS, type DataFormat, TableWriter } from './table-writer';
export { TABLES, columnsFor } from './columns';
export { datasetContext, writeScoreTables } from './score-tables';

export interface DatasetOptions {
  out: string;
  formats: DataFormat[];
  identified: boolean;
  includeText: boolean;
  force: boolean;
}

export interface FileEntry {
  sha256: string;
  bytes: number;
  rows?: number;
  columns?: string[];
}

export interface DatasetSummary {
  out: string;
  deidentified: boolean;
  tables: Record<string, number>;
  files: Record<string, FileEntry>;
}

const IDENTIFYING = new Set(['client', 'therapist', 'date', 'submitted_at', 'created_at', 'at', 'actor', 'entity_id']);
const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * Writes the analyst's dataset folder. Everything goes to a fresh folder beside the target first and is moved into
 * place at the end, so a failed export leaves nothing behind and an earlier export stays whole until then.
 */
export async function exportDataset(study: Study, opts: DatasetOptions): Promise<DatasetSummary> {
  if (opts.includeText && !opts.identified && !opts.force)
    throw new UsageError(
      '--include-text puts rationales, quotes and failure reasons (transcript text) into a de-identified export, where names in the text would undo the pseudonyms; add --identified, or --force if the text has been de-identified',
    );
  if (opts.formats.length === 0 || !opts.formats.includes('csv'))
    throw new UsageError('--format must include csv (the codebook, scores_wide.csv and README describe the CSV files)');
  const out = resolve(opts.out);
  if (existsSync(out) && readdirSync(out).length > 0 && !existsSync(join(out, 'manifest.json')))
    throw new UsageError(`${opts.out} exists and is not a dataset export; give an empty or new folder`);
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const summary = await writeDataset(study, opts, tmp);
    rmSync(out, { recursive: true, force: true });
    renameSync(tmp, out);
    return { ...summary, out };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function writeDataset(study: Study, opts: DatasetOptions, dir: string): Promise<DatasetSummary> {
  const mode: ExportMode = { identified: opts.identified, includeText: opts.includeText };
  const ctx = await datasetContext(study, mode);
  const registry = loadRegistry({ studyDir: study.dir });
  const unscreened: Array<{ series: string; reason: string }> = [];
  let scoreTables: ScoreTables | undefined;
  // Each table's rows, a page at a time: the tables that grow with every submission and rating are read a page
  // at a time as they are written, so a study of any size holds a page of them in memory; an await per page, not
  // per row. The ratings are read once for each of their four tables, the same ones each time (their ids are
  // listed first).
  const ratingIds = await datasetRatingIds(study.db);
  const ratingPages = () => datasetRatingPages(study.db, ratingIds, opts.includeText);
  const raters = new RaterTally();
  // The coded transcripts likewise: listed once, read once for each of the two code tables.
  const coded = await datasetCodedTranscripts(study.db);
  const pagesOf: Record<string, () => AsyncIterable<Iterable<Row>>> = {
    sessions: async function* () {
      yield sessionRows(ctx);
    },
    responses: async function* () {
      for await (const page of datasetResponsePages(study.db)) yield responseRows(ctx, page, registry);
    },
    ratings: async function* () {
      for await (const page of ratingPages()) yield ratingItemRows(ctx, page);
    },
    signals: async function* () {
      for await (const page of ratingPages()) yield signalRows(ctx, page);
    },
    ruptures: async function* () {
      for await (const page of ratingPages()) yield raterRuptureRows(ctx, page);
      yield scoreDropRows(ctx, scoreTables!.selfTotals, (series, reason) => unscreened.push({ series, reason }));
    },
    rating_runs: async function* () {
      for await (const page of ratingPages()) {
        raters.add(page);
        yield ratingRunRows(ctx, page);
      }
    },
    utterance_codes: async function* () {
      for await (const page of datasetCodePages(study.db, coded)) yield utteranceCodeRows(ctx, page);
    },
    code_summaries: async function* () {
      for await (const page of datasetCodePages(study.db, coded)) yield codeSummaryRows(ctx, page);
    },
    audit: async function* () {
      for await (const page of datasetAuditPages(study.db)) yield auditRows(ctx, page);
    },
  };

  const tables: Record<string, number> = {};
  const documented: DocumentedColumn[] = [];
  const tableFiles: Record<string, FileEntry> = {};
  const open = (spec: TableSpec, columns: ColumnSpec[], formats: readonly DataFormat[]) =>
    new TableWriter(dir, spec.name, columns, formats);
  const done = (w: WrittenTable, spec: Pick<TableSpec, 'name' | 'label'>) => {
    for (const f of w.closed ? Object.keys(w.written) : w.close())
      tableFiles[f] = { ...w.written[f]!, rows: w.rows, columns: w.columns.map((c) => c.name) };
    tables[spec.name] = w.rows;
    documented.push(...w.columns.map((c) => ({ ...c, table: spec.name, tableLabel: spec.label })));
  };

  for (const spec of TABLES) {
    if (spec.name === 'scores') {
      scoreTables = await writeScoreTables(study, dir, ctx, opts.formats);
      done(scoreTables.scores, spec);
      continue;
    }
    const w = open(spec, columnsFor(spec, mode), opts.formats);
    for await (const rows of pagesOf[spec.name]!()) for (const r of rows) w.add(r);
    done(w, spec);
  }

  // scores_wide: the session keys of the sessions table, then the one wide column list.
  const keyColumns = columnsFor(TABLES.find((t) => t.name === 'sessions')!, mode);
  const wide = scoreTables!.wide;
  const wideKeys = wide.columns();
  const { rows: variables } = wideCodebookRows(registry, wideKeys, study.config.raters, {
    file: join(study.dir, STUDY_FILE),
  });
  const wideColumns: ColumnSpec[] = [
    ...keyColumns,
    ...wideKeys.map((c, i) => ({
      name: c.name,
      type: 'number' as const,
      label: `${variables[i]!.label} (replicates averaged)`,
      unit: 'scale points',
      range: `${variables[i]!.min}–${variables[i]!.max}`,
      source: `${c.source} scores`,
      instrument: `${c.instrument} ${c.form}`,
      when: 'always' as const,
    })),
  ];
  const wideSpec = {
    name: 'scores_wide',
    label: 'One row per session, one column per rater or respondent × instrument × form × scale',
    columns: [],
  };
  const ww = open(wideSpec, wideColumns, ['csv']);
  for (const r of wide.rows()) ww.add(r);
  done(ww, wideSpec);

  const title = `${study.config.name}: dataset codebook`;
  const notes = [
    opts.identified
      ? 'Identified export: the study’s own client and therapist ids, and calendar dates.'
      : 'De-identified export: ids are pseudonyms (HMAC-SHA256 under a secret kept in the study store, stable across exports); days since each client’s first session stand for dates; no transcript text.',
    'Each table is a CSV file (and a Parquet file with the same columns when asked for); this codebook lists every column of every file and nothing else.',
  ];
  writeFileSync(join(dir, 'codebook.csv'), datasetCodebookCsv(documented, opts.identified ? IDENTIFYING : new Set()));
  writeFileSync(join(dir, 'codebook.md'), datasetCodebookMd(title, documented, notes));
  writeFileSync(
    join(dir, 'README.md'),
    datasetReadme(
      study.config.name,
      TABLES.map((t) => t.name),
      !opts.identified,
    ),
  );

  // The tables were hashed as they were written; the few small files beside them are read back.
  const files: Record<string, FileEntry> = {};
  for (const name of readdirSync(dir).sort()) files[name] = tableFiles[name] ?? (await hashFile(join(dir, name)));
  const manifest = {
    software: { name: 'alliance-lab', version: VERSION },
    study: {
      name: study.config.name,
      definitionSha256: createHash('sha256')
        .update(readFileSync(join(study.dir, STUDY_FILE)))
        .digest('hex'),
    },
    raters: raters.configurations(study),
    options: {
      formats: opts.formats,
      identified: opts.identified,
      includeText: opts.includeText,
      force: opts.force,
    },
    deidentification: opts.identified
      ? { deidentified: false }
      : {
          deidentified: true,
          ids: 'HMAC-SHA256 under the study export secret, truncated to 64 bits',
          dates: "replaced by day: days since the client's first session",
          text: opts.includeText ? 'included (--force)' : 'none',
        },
    ...(opts.identified ? { exportedAt: new Date().toISOString() } : {}),
    tables,
    /** Self-report series the rupture rule could not screen, so the ruptures table has none of their episodes. */
    rupturesNotScreened: unscreened,
    files,
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { out: dir, deidentified: !opts.identified, tables, files };
}

/** Each rater's stored ratings and prompts, tallied as the rating_runs table reads every rating, for the manifest. */
class RaterTally {
  private readonly stored = new Map<string, { prompts: Map<string, string>; ratings: number }>();

  add(ratings: Iterable<{ rater: string; prompt_hash: string; prompt_version: string }>): void {
    for (const g of ratings) {
      let s = this.stored.get(g.rater);
      if (!s) this.stored.set(g.rater, (s = { prompts: new Map(), ratings: 0 }));
      s.prompts.set(g.prompt_hash, g.prompt_version);
      s.ratings++;
    }
  }

  /** Every rater the study configures or the store holds ratings of, by name. */
  configurations(study: Study) {
    const names = [...new Set([...Object.keys(study.config.raters), ...this.stored.keys()])].sort();
    return names.map((name) => {
      const config = study.config.raters[name];
      const s = this.stored.get(name);
      return {
        name,
        configuration: config ?? null,
        ratings: s?.ratings ?? 0,
        prompts: [...(s?.prompts ?? new Map<string, string>())].map(([hash, version]) => ({ version, sha256: hash })),
      };
    });
  }
}

function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  return new Promise((ok, fail) => {
    const h = createHash('sha256');
    let bytes = 0;
    createReadStream(path)
      .on('data', (chunk) => {
        bytes += chunk.length;
        h.update(chunk);
      })
      .on('error', fail)
      .on('end', () => ok({ sha256: h.digest('hex'), bytes }));
  });
}
