import { z } from 'zod';
import { DATA_FORMATS, type DataFormat } from '../../export/dataset/formats';
import { UsageError } from '../../util/errors';
import { nearest } from '../../util/suggest';
import { defineCommand } from '../command';
import { flag, list, text } from '../options';

export const exportDatasetCommand = defineCommand({
  path: ['export', 'dataset'],
  summary: "write the analyst's dataset: every level of data as tidy CSV (and Parquet), a codebook, a manifest",
  description:
    'Tables sessions, responses, ratings, scores, signals, ruptures, rating_runs, utterance_codes, code_summaries and audit, ' +
    'scores_wide.csv, codebook.csv/.md, ' +
    'manifest.json and README.md. De-identified by default: ids re-keyed with a secret kept in the store, days instead of dates, no text.',
  options: z.object({
    study: text('study folder', 'DIR'),
    out: text('folder to write (replaced if it holds an earlier export)', 'FOLDER'),
    format: list('csv (default) and/or parquet', 'LIST'),
    identified: flag("keep the study's own ids and dates"),
    'include-text': flag('add rationales, quotes and failure reasons'),
    force: flag('allow --include-text in a de-identified export'),
  }),
  examples: [
    'alliance export dataset --study demo-study --out demo-study/dataset',
    'alliance export dataset --study demo-study --out dataset --format csv,parquet',
  ],
  async run(_ctx, o) {
    const formats = (o.format.length ? o.format : ['csv']).map((f) => {
      if ((DATA_FORMATS as readonly string[]).includes(f)) return f as DataFormat;
      const near = nearest(f, [...DATA_FORMATS]);
      throw new UsageError(
        `--format ${f}: the formats are ${DATA_FORMATS.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`,
      );
    });
    // Loaded here, not at the top: the store, its driver and the Parquet writer cost start-up time for every command.
    const [{ exportDataset }, { openStudy }] = await Promise.all([
      import('../../export/dataset'),
      import('../../store/study'),
    ]);
    const study = await openStudy(o.study);
    try {
      const s = await exportDataset(study, {
        out: o.out,
        formats: [...new Set(formats)],
        identified: o.identified,
        includeText: o['include-text'],
        force: o.force,
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
