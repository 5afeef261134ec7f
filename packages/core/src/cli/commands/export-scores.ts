import { z } from 'zod';
import { InputError, UsageError } from '../../util/errors';
import { defineCommand } from '../command';
import { flag, list, text } from '../options';

export const exportScoresCommand = defineCommand({
  path: ['export', 'scores'],
  summary: 'write every scale score (self-report, coders, raters) as a long or wide CSV for R, Python or SPSS',
  description:
    'Long (default): one row per client, session, source, rater, replicate, instrument, form and scale. Wide: one row per client and session, ' +
    'one column per rater_instrument_form_scale, replicates averaged. Ratings of superseded transcript versions and failed ratings are left out.',
  options: z.object({
    study: text('study folder', 'DIR'),
    out: text('CSV file to write (default: stdout, unless --json)', 'FILE').optional(),
    wide: flag('one row per client and session'),
    instrument: text('only this instrument', 'ID').optional(),
    form: text('only this form', 'FORM').optional(),
    scale: text('only this scale', 'S').optional(),
    rater: list('only these raters / respondents (client, therapist, coder ids, rater names)', 'NAME'),
  }),
  examples: [
    'alliance export scores --study demo-study --out scores.csv',
    'alliance export scores --study demo-study --scale total --wide --out wide.csv',
  ],
  async run(ctx, o) {
    if (ctx.json && !o.out)
      throw new UsageError('--json needs --out FILE: stdout carries the JSON summary, not the CSV');
    const [{ scoreFilterProblem, scoresCsv, widenScores, writeScoresCsv }, { queryScores }, { openStudy }, { toCsv }] =
      await Promise.all([
        import('../../export/scores'),
        import('../../store/scores'),
        import('../../store/study'),
        import('../../util/csv'),
      ]);
    const study = await openStudy(o.study);
    try {
      const filter = { instrument: o.instrument, form: o.form, scale: o.scale, raters: o.rater };
      // A filter value that matches nothing is a typo far more often than a question, so it is refused (nothing
      // written) with the values that would match.
      const problem = await scoreFilterProblem(study.db, filter);
      if (problem) throw new InputError(problem);
      const shape = o.wide ? 'wide' : 'long';
      const out = o.out;
      if (out) {
        // To a file the rows stream from the store: a million scores never sit in memory.
        const rows = await writeScoresCsv(study, filter, out, o.wide);
        return { data: { rows, shape, out }, text: `wrote ${rows} ${shape} rows to ${out}` };
      }
      const rows = await queryScores(study.db, filter);
      const wide = o.wide ? widenScores(rows) : undefined;
      const csv = wide ? toCsv(wide.header, wide.rows) : scoresCsv(rows);
      return { data: { rows: wide ? wide.rows.length : rows.length, shape, out: null }, text: csv.trimEnd() };
    } finally {
      await study.close();
    }
  },
});
