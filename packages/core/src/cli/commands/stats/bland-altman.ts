import { blandAltman } from '../../../stats/bland-altman';
import { blandAltmanJson } from './json-shapes';
import { InputError } from '../../../util/errors';
import { defineCommand } from '../../command';
import { renderPairs } from '../../table';
import { fmt } from './icc';
import { asInputError } from './ratings-input';
import { readLongTable } from './input';
import { notesBlock } from './undefined-notes';

export const blandAltmanCommand = defineCommand({
  path: ['stats', 'bland-altman'],
  summary:
    'Bland–Altman agreement of two methods: bias, SD of differences, limits of agreement with CIs, proportional bias',
  usage: 'alliance stats bland-altman --in FILE.csv [--subject subject] [--x x] [--y y] [--json]',
  description: [
    'One row per subject with the two methods in --x and --y; differences are x − y. Rows with an empty or NA value',
    'in either are left out and counted. 95% limits bias ± 1.96·SD with t intervals (Bland & Altman 1999);',
    'proportional bias by regressing the differences on the pair means.',
    'JSON: {"n","bias","sd","ci95":[lo,hi],"loa":[lower,upper],"loaCi95":{"lower":[lo,hi],"upper":[lo,hi]},',
    '"proportionalBias":{"intercept","slope","se","t","df","p","ci95"},"method","excluded","file"}',
  ].join('\n'),
  options: {
    in: { type: 'string', placeholder: 'FILE.csv', description: 'CSV with one row per subject', required: true },
    subject: { type: 'string', placeholder: 'COL', description: 'subject id column', default: 'subject' },
    x: { type: 'string', placeholder: 'COL', description: 'first method', default: 'x' },
    y: { type: 'string', placeholder: 'COL', description: 'second method', default: 'y' },
  },
  examples: ['alliance stats bland-altman --in scores.csv --x client_wai --y rater_wai --json'],
  async run(ctx) {
    const cols = { subject: ctx.need('subject'), x: ctx.need('x'), y: ctx.need('y') };
    const table = await readLongTable(ctx.need('in'), {
      subject: { name: cols.subject, kind: 'id', option: '--subject' },
      x: { name: cols.x, kind: 'number', option: '--x', allowMissing: true },
      y: { name: cols.y, kind: 'number', option: '--y', allowMissing: true },
    });
    const seen = new Map<string, number>();
    const x: number[] = [];
    const y: number[] = [];
    for (const r of table.rows) {
      const s = String(r.subject);
      const before = seen.get(s);
      if (before !== undefined) {
        throw new InputError(
          `subject "${s}" appears again (first on line ${before}); Bland–Altman takes one pair per subject`,
          { file: table.file, line: r.line, column: cols.subject },
        );
      }
      seen.set(s, r.line);
      if (r.x === null || r.y === null) continue;
      x.push(r.x as number);
      y.push(r.y as number);
    }
    let res: ReturnType<typeof blandAltman>;
    try {
      res = blandAltman(x, y);
    } catch (err) {
      throw asInputError(err, table.file);
    }
    const excluded = table.rows.length - x.length;
    const data = blandAltmanJson(res, excluded, table.file);
    const pb = res.proportionalBias;
    const text = [
      `Bland–Altman, ${cols.x} − ${cols.y} in ${table.file}: ${res.n} subjects${excluded ? `, ${excluded} rows left out` : ''}`,
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
