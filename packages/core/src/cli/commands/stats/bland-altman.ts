import { blandAltman } from '../../../stats/bland-altman';
import { InputError, UsageError } from '../../../util/errors';
import { dataSource, STUDY_OPTIONS, type StudyScoreOptions } from './data-source';
import { z } from 'zod';
import { blandAltmanJson } from './json-shapes';
import { defineCommand } from '../../command';
import { renderPairs } from '../../table';
import { fmt } from './icc';
import { asInputError } from './ratings-input';
import { text } from '../../options';
import { readLongTable } from './input';
import { notesBlock } from './undefined-notes';

export const blandAltmanCommand = defineCommand({
  path: ['stats', 'bland-altman'],
  summary:
    'Bland–Altman agreement of two methods: bias, SD of differences, limits of agreement with CIs, proportional bias',
  description: [
    'One row per subject with the two methods in --x and --y (with --study: per session, two sources); differences are x − y. Rows with an empty or NA value',
    'in either are left out and counted. 95% limits bias ± 1.96·SD with t intervals (Bland & Altman 1999);',
    'proportional bias by regressing the differences on the pair means.',
    'JSON: {"n","bias","sd","ci95":[lo,hi],"loa":[lower,upper],"loaCi95":{"lower":[lo,hi],"upper":[lo,hi]},',
    '"proportionalBias":{"intercept","slope","se","t","df","p","ci95"},"method","excluded","file"}',
  ].join('\n'),
  options: z.object({
    in: text('CSV with one row per subject (or --study)', 'FILE.csv').optional(),
    subject: text('subject id column', 'COL').default('subject'),
    x: text('first method: a column (default "x"), or with --study a source (client, K1, lexicon)', 'COL').optional(),
    y: text('second method: a column (default "y"), or with --study a source', 'COL').optional(),
    ...STUDY_OPTIONS,
  }),
  examples: [
    'alliance stats bland-altman --in scores.csv --x client_wai --y rater_wai --json',
    'alliance stats bland-altman --study demo --instrument wai-o-s --scale total --x K1 --y lexicon',
  ],
  async run(_ctx, o) {
    const { file, cols, rows } = await readMethodPairs(o);
    const seen = new Map<string, number>();
    const x: number[] = [];
    const y: number[] = [];
    for (const r of rows) {
      const before = seen.get(r.subject);
      if (before !== undefined) {
        throw new InputError(
          `subject "${r.subject}" appears again (first on line ${before}); Bland–Altman takes one pair per subject`,
          { file, line: r.line, column: cols.subject },
        );
      }
      seen.set(r.subject, r.line);
      if (r.x === null || r.y === null) continue;
      x.push(r.x);
      y.push(r.y);
    }
    let res: ReturnType<typeof blandAltman>;
    try {
      res = blandAltman(x, y);
    } catch (err) {
      throw asInputError(err, file);
    }
    const excluded = rows.length - x.length;
    const data = blandAltmanJson(res, excluded, file);
    const pb = res.proportionalBias;
    const text = [
      `Bland–Altman, ${cols.x} − ${cols.y} in ${file}: ${res.n} subjects${excluded ? `, ${excluded} rows left out` : ''}`,
      '',
      renderPairs([
        ['bias', res.bias],
        ['bias 95% CI', `[${fmt(res.ci95[0])}, ${fmt(res.ci95[1])}]`],
        ['SD of differences', res.sd],
        ['lower limit', res.loa[0]],
        ['lower limit 95% CI', `[${fmt(res.loaCi95.lower[0])}, ${fmt(res.loaCi95.lower[1])}]`],
        ['upper limit', res.loa[1]],
        ['upper limit 95% CI', `[${fmt(res.loaCi95.upper[0])}, ${fmt(res.loaCi95.upper[1])}]`],
        ['proportional bias: slope', pb.slope],
        ['slope 95% CI', pb.ci95 ? `[${fmt(pb.ci95[0])}, ${fmt(pb.ci95[1])}]` : 'none'],
        [`t (${pb.df} df)`, pb.t],
        ['p', pb.p],
      ]),
      '',
      res.method,
      ...notesBlock(res),
    ].join('\n');
    return { data, text };
  },
});

/** The x/y pairs per subject: CSV columns, or two sources of a study with the session as the subject. */
async function readMethodPairs(
  o: {
    in?: string | undefined;
    subject: string;
    x?: string | undefined;
    y?: string | undefined;
  } & Partial<StudyScoreOptions>,
): Promise<{
  file: string;
  cols: { subject: string; x: string; y: string };
  rows: Array<{ subject: string; x: number | null; y: number | null; line: number }>;
}> {
  const source = dataSource(o);
  if (source.kind === 'study') {
    if (o.x === undefined || o.y === undefined)
      throw new UsageError('with --study, name the two sources with --x and --y (client, a coder id, a rater name)');
    const { studyPairs } = await import('./study-input');
    const pairs = await studyPairs(source.study, o.x, o.y);
    return {
      file: pairs.file,
      cols: { subject: 'session_id', ...pairs.cols },
      rows: pairs.rows.map((r) => ({ ...r, subject: r.session })),
    };
  }
  const cols = { subject: o.subject, x: o.x ?? 'x', y: o.y ?? 'y' };
  const table = await readLongTable(source.file, {
    subject: { name: cols.subject, kind: 'id', option: '--subject' },
    x: { name: cols.x, kind: 'number', option: '--x', allowMissing: true },
    y: { name: cols.y, kind: 'number', option: '--y', allowMissing: true },
  });
  return {
    file: table.file,
    cols,
    rows: table.rows.map((r) => ({
      subject: String(r.subject),
      x: r.x as number | null,
      y: r.y as number | null,
      line: r.line,
    })),
  };
}
