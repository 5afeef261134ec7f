import { DATA_FORMATS, type DataFormat, exportDataset } from '../../export/dataset';
import { openStudy } from '../../store/study';
import { UsageError } from '../../util/errors';
import { nearest } from '../../util/nearest';
import { defineCommand } from '../command';

export const exportDatasetCommand = defineCommand({
  path: ['export', 'dataset'],
  summary: "write the analyst's dataset: every level of data as tidy CSV (and Parquet), a codebook, a manifest",
  usage:
    'alliance export dataset --study DIR --out FOLDER [--format csv,parquet] [--identified] [--include-text] [--force]',
  description:
    'Tables sessions, responses, ratings, scores, signals, ruptures, rating_runs and audit, scores_wide.csv, codebook.csv/.md, ' +
    'manifest.json and README.md. De-identified by default: ids re-keyed with a secret kept in the store, days instead of dates, no text.',
  options: {
    study: { type: 'string', placeholder: 'DIR', description: 'study folder', required: true },
    out: {
      type: 'string',
      placeholder: 'FOLDER',
      description: 'folder to write (replaced if it holds an earlier export)',
      required: true,
    },
    format: { type: 'string', placeholder: 'LIST', multiple: true, description: 'csv (default) and/or parquet' },
    identified: { type: 'boolean', description: "keep the study's own ids and dates" },
    'include-text': { type: 'boolean', description: 'add rationales, quotes and failure reasons' },
    force: { type: 'boolean', description: 'allow --include-text in a de-identified export' },
  },
  examples: [
    'alliance export dataset --study demo-study --out demo-study/dataset',
    'alliance export dataset --study demo-study --out dataset --format csv,parquet',
  ],
  async run(ctx) {
    const given = ctx.list('format') ?? [];
    const formats = (given.length ? given : ['csv']).map((f) => {
      if ((DATA_FORMATS as readonly string[]).includes(f)) return f as DataFormat;
      const near = nearest(f, [...DATA_FORMATS]);
      throw new UsageError(
        `--format ${f}: the formats are ${DATA_FORMATS.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`,
      );
    });
    const study = await openStudy(ctx.need('study'));
    try {
      const s = await exportDataset(study, {
        out: ctx.need('out'),
        formats: [...new Set(formats)],
        identified: ctx.bool('identified'),
        includeText: ctx.bool('include-text'),
        force: ctx.bool('force'),
      });
      const counts = Object.entries(s.tables).map(([t, n]) => `${t} ${n}`);
      return {
        data: { out: s.out, deidentified: s.deidentified, tables: s.tables, files: Object.keys(s.files) },
        text: `wrote ${Object.keys(s.files).length} files to ${s.out} (${s.deidentified ? 'de-identified' : 'identified'}): ${counts.join(', ')}`,
      };
    } finally {
      await study.close();
    }
  },
});
