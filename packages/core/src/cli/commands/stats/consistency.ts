import { z } from 'zod';
import { internalConsistency, multilevelReliability } from '../../../stats/consistency';
import { UsageError } from '../../../util/errors';
import { defineCommand } from '../../command';
import { choice, flag, list, text } from '../../options';
import { renderPairs, renderTable } from '../../table';
import { multilevelRows, readItemCsv, readStudyItems } from './consistency-input';
import { fmt } from './icc';
import { asInputError } from './ratings-input';
import { notesBlock } from './undefined-notes';

export const consistencyCommand = defineCommand({
  path: ['stats', 'consistency'],
  summary:
    "internal consistency: Cronbach's alpha (Feldt CI), alpha if dropped, r.drop, omega total; --multilevel for RkF and Rc",
  description: [
    'Items come from a study (--study with --instrument and --form, optionally --scale; reverse-keyed items keyed',
    'as the scoring engine keys them) or from a wide CSV (--in, one row per response; item columns named with',
    '--items, or every numeric column). Rows with a missing item are dropped (complete cases), as psych::alpha and',
    'psych::omega(nfactors = 1) see them. --multilevel: psych::multilevel.reliability across sessions (person =',
    'client, time = session; with --in, the --subject and --session columns), RkF between and Rc within persons.',
    'JSON: {"n","dropped","alpha":{"raw","standardized","ci95"},"omega":{"total","loadings"},',
    '"items":[{"item","rDrop","alphaIfDropped"}],"method","source"}',
    'with --multilevel: {"subjects","times","items","droppedRows","droppedSubjects","components","RkF","R1R","RkR","Rc","method","source"}',
  ].join('\n'),
  options: z.object({
    study: text('study folder (with --instrument and --form)', 'DIR').optional(),
    instrument: text('instrument id', 'ID').optional(),
    form: text('form id', 'F').optional(),
    scale: text("only this scale's items", 'S').optional(),
    source: choice(['self-report', 'coder'], "whose responses: self-reports or human coders' forms").default(
      'self-report',
    ),
    in: text('wide CSV, one row per response', 'FILE').optional(),
    items: list('item columns of --in (default: every numeric column)', 'A,B'),
    multilevel: flag('within- and between-person reliability across sessions'),
    subject: text('person column of --in, for --multilevel', 'NAME').optional(),
    session: text('session column of --in, for --multilevel', 'NAME').optional(),
  }),
  examples: [
    'alliance stats consistency --study demo-study --instrument wai-sr --form client --scale bond --json',
    'alliance stats consistency --in items.csv --items q1,q2,q3,q4',
    'alliance stats consistency --study demo-study --instrument srs --form client --multilevel',
  ],
  async run(_ctx, o) {
    if ((o.study === undefined) === (o.in === undefined))
      throw new UsageError('give either --study (with --instrument and --form) or --in FILE');
    if (o.study !== undefined && (o.instrument === undefined || o.form === undefined))
      throw new UsageError('--study needs --instrument and --form');
    if (o.in !== undefined && (o.instrument ?? o.form ?? o.scale) !== undefined)
      throw new UsageError('--instrument, --form and --scale apply to --study; with --in, name columns with --items');
    if (o.study !== undefined && (o.items.length > 0 || o.subject !== undefined || o.session !== undefined))
      throw new UsageError('--items, --subject and --session apply to --in');
    if (o.in !== undefined && o.multilevel && (o.subject === undefined || o.session === undefined))
      throw new UsageError('--multilevel with --in needs --subject and --session columns');
    const table =
      o.in !== undefined
        ? await readItemCsv(o.in, {
            items: o.items,
            ...(o.subject !== undefined ? { subject: o.subject } : {}),
            ...(o.session !== undefined ? { session: o.session } : {}),
          })
        : await readStudyItems(o.study!, {
            instrument: o.instrument!,
            form: o.form!,
            source: o.source,
            ...(o.scale !== undefined ? { scale: o.scale } : {}),
          });
    try {
      if (o.multilevel) {
        const res = multilevelReliability(multilevelRows(table), table.items);
        const c = res.components;
        const text = [
          `multilevel reliability of ${table.items.length} items in ${table.label}: ${res.subjects} persons × ${res.times} sessions`,
          '',
          renderPairs([
            ['RkF (between persons, fixed sessions)', res.RkF === null ? 'NA' : fmt(res.RkF)],
            ['R1R (one random session)', res.R1R === null ? 'NA' : fmt(res.R1R)],
            ['RkR (random sessions)', res.RkR === null ? 'NA' : fmt(res.RkR)],
            ['Rc (within persons, change)', res.Rc === null ? 'NA' : fmt(res.Rc)],
            ['rows dropped (missing item)', res.droppedRows],
            ['persons dropped (not at every session)', res.droppedSubjects],
          ]),
          '',
          renderTable(
            ['component', 'variance'],
            [
              ['person', fmt(c.subject)],
              ['session', fmt(c.time)],
              ['items', fmt(c.items)],
              ['person × session', fmt(c.subjectTime)],
              ['person × items', fmt(c.subjectItems)],
              ['session × items', fmt(c.timeItems)],
              ['residual', fmt(c.residual)],
            ],
          ),
          '',
          res.method,
          ...notesBlock(res),
        ].join('\n');
        return { data: { ...res, source: table.label }, text };
      }
      const res = internalConsistency(table.rows, table.items);
      const num = (x: number | null) => (x === null ? 'NA' : fmt(x));
      const text = [
        `internal consistency of ${table.items.length} items in ${table.label}: ${res.n} complete rows, ${res.dropped} dropped`,
        '',
        renderPairs([
          ["Cronbach's alpha (raw)", num(res.alpha.raw)],
          ['alpha (standardised)', num(res.alpha.standardized)],
          ['Feldt 95% CI', res.alpha.ci95 ? `[${fmt(res.alpha.ci95[0])}, ${fmt(res.alpha.ci95[1])}]` : 'NA'],
          ['omega total (one factor)', num(res.omega.total)],
        ]),
        '',
        renderTable(
          ['item', 'r.drop', 'alpha if dropped'],
          res.items.map((i) => [i.item, num(i.rDrop), num(i.alphaIfDropped)]),
        ),
        ...(res.alpha.undefinedReason ? ['', `alpha is undefined: ${res.alpha.undefinedReason}`] : []),
        '',
        res.method,
        ...notesBlock(res),
      ].join('\n');
      return { data: { ...res, source: table.label }, text };
    } catch (err) {
      throw asInputError(err, table.label);
    }
  },
});
