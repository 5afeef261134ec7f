import {
  DuplicateSessionError,
  ruptures,
  srsAlerts,
  type Baseline,
  type RuptureResult,
  type SdSource,
  type SrsAlertResult,
} from '../../../stats/ruptures';
import { InputError, UsageError } from '../../../util/errors';
import { z } from 'zod';
import { defineCommand } from '../../command';
import { formatCell, renderTable } from '../../table';
import { choice, integer, number, text } from '../../options';
import { instrumentCall, registryFor } from '../instruments/registry';
import { STUDY_OPTIONS } from './data-source';
import { readSessionSeries } from './series-input';

const RULE_SETS = ['rupture-repair', 'srs-alerts'] as const;
const BASELINES = ['mean', 'previous', 'either'] as const satisfies readonly Baseline[];
const SD_SOURCES = ['client', 'pooled'] as const satisfies readonly SdSource[];

export const rupturesCommand = defineCommand({
  path: ['stats', 'ruptures'],
  summary: 'rupture–repair episodes in session-by-session scores, or the SRS alert rules',
  description: [
    'rupture-repair (default): a rupture is a session whose score falls at least k within-client SDs below the',
    "client's mean or the previous session (--baseline mean|previous|either) and by more than the reliable-change",
    'threshold 1.96·S_diff (Jacobson & Truax). S_diff = √2·SD·√(1 − r) from --rc-sd and --reliability, or else',
    "√2 × the pooled within-client residual SD around each client's linear trend. Repaired when a score within",
    '--window sessions returns to the pre-rupture level. k = 1 is Strauss-like, k = 2 Stiles-like. The exact',
    'rules are in packages/core/src/stats/ruptures/README.md.',
    "srs-alerts: the SRS definition's alert rules per session (total below the cut-off, default < 36; a drop of at",
    'least 1 point from the previous session); --cutoff, --inequality and --min-drop override them.',
    'Rows with an empty or NA --value are left out and counted.',
    'JSON: {"episodes":[{client,rupture,baseline,preLevel,drop,lowest,depth,repaired,repair,length,censored}],',
    '"clients","summary","rules","method"} or {"ruleSet":"srs-alerts","alerts","summary","rules","method"}',
  ].join('\n'),
  options: z.object({
    in: text('long CSV, one row per session (or --study without --in)', 'FILE').optional(),
    subject: text('client id column', 'COL').default('subject'),
    session: text('session number column', 'COL').default('session'),
    value: text('score column (default "value"), or with --study a source (client, K1, lexicon)', 'COL').optional(),
    rules: choice(RULE_SETS, 'rupture-repair or srs-alerts').default('rupture-repair'),
    k: number('within-client SDs a rupture falls (1 Strauss-like, 2 Stiles-like)', 'K', { min: 0 }).default(1),
    baseline: choice(BASELINES, 'fall measured from the client mean, the previous session, or either').default(
      'either',
    ),
    window: integer('sessions within which a repair must come', 'W', { min: 1 }).default(3),
    sd: choice(SD_SOURCES, "SD for the k·SD rule: client (the client's own) or pooled").default('client'),
    'rc-sd': number('reference SD for reliable change (with --reliability)', 'SD', { min: 0 }).optional(),
    reliability: number('reliability (alpha or test-retest) for reliable change', 'R', { min: 0, max: 1 }).optional(),
    'min-sessions': integer('clients with fewer scored sessions are not screened', 'N', { min: 2 }).default(3),
    cutoff: number('srs-alerts: cut-off for the total (default from the SRS definition, 36)', 'X').optional(),
    inequality: choice(['<', '<='], 'srs-alerts: "<" or "<="').optional(),
    'min-drop': number('srs-alerts: smallest drop from the previous session flagged', 'D', { min: 0 }).optional(),
    ...STUDY_OPTIONS,
    form: text(
      'srs-alerts: the SRS form, client (default) or child; with --study also the form screened',
      'FORM',
    ).optional(),
    study: text(
      'study folder: its instruments and installed wording; without --in, the scores screened too (--value names the source)',
      'DIR',
    ).optional(),
  }),
  examples: [
    'alliance stats ruptures --in wai.csv --subject client --value wai --k 2 --baseline mean --json',
    'alliance stats ruptures --in wai.csv --subject client --value wai --rc-sd 8 --reliability .9',
    'alliance stats ruptures --in srs.csv --subject client --value total --rules srs-alerts',
    'alliance stats ruptures --study demo --instrument srs --scale total --value client --rules srs-alerts',
  ],
  async run(_ctx, o) {
    const { rules } = o;
    // Here --study also names the instruments (a study's own SRS wording and cut-offs), so beside --in it is
    // that alone; without --in it is where the scores come from as well.
    const read = () => readSessionSeries(o.in !== undefined ? { ...o, study: undefined, form: undefined } : o);

    if (rules === 'srs-alerts') {
      const { inequality, cutoff } = o;
      const minDrop = o['min-drop'];
      const registry = await registryFor(o.study);
      const definition = instrumentCall(() => registry.definition('srs'));
      const input = await read();
      const res = srsAlerts(input.series, {
        definition,
        form: o.form ?? 'client',
        ...(cutoff !== undefined ? { cutoff } : {}),
        ...(inequality ? { inequality } : {}),
        ...(minDrop !== undefined ? { minDrop } : {}),
      });
      return { data: { file: input.file, excluded: input.excluded, ...res }, text: renderAlerts(res, input.file) };
    }

    const { baseline, sd, reliability, k } = o;
    const rcSd = o['rc-sd'];
    if ((rcSd === undefined) !== (reliability === undefined))
      throw new UsageError(
        '--rc-sd and --reliability go together: give both, or neither to use the within-client residual SD',
      );
    if (rcSd !== undefined && reliability !== undefined && !(rcSd > 0 && reliability < 1))
      throw new UsageError('--rc-sd must be positive and --reliability below 1');
    if (!(k > 0)) throw new UsageError(`--k must be positive, got ${k}`);
    const input = await read();
    let res: RuptureResult;
    try {
      res = ruptures(input.series, {
        k,
        baseline,
        window: o.window,
        sd,
        reliableChange: rcSd !== undefined && reliability !== undefined ? { sd: rcSd, reliability } : 'within',
        minSessions: o['min-sessions'],
      });
    } catch (err) {
      if (err instanceof DuplicateSessionError) {
        throw new InputError(
          `client "${err.client}" has session ${err.session} twice (also on line ${input.lines[err.firstIndex]})`,
          {
            file: input.file,
            line: input.lines[err.index]!,
            column: o.in !== undefined ? o.session : 'session',
          },
        );
      }
      if (err instanceof RangeError) throw new InputError(err.message, { file: input.file });
      throw err;
    }
    return {
      data: { file: input.file, excluded: input.excluded, ...res },
      text: renderRuptures(res, input.file, input.excluded),
    };
  },
});

function renderRuptures(r: RuptureResult, file: string, excluded: number): string {
  const s = r.summary;
  const episodes = r.episodes.length
    ? renderTable(
        ['client', 'session', 'score', 'from', 'pre-level', 'drop', 'depth', 'length', 'repaired at', 'censored'],
        r.episodes.map((e) => [
          e.client,
          e.rupture.session,
          e.rupture.score,
          e.baseline,
          e.preLevel,
          e.drop,
          e.depth,
          e.length,
          e.repair ? e.repair.session : null,
          e.censored ? 'yes' : '',
        ]),
      )
    : 'no rupture episodes';
  return [
    `rupture–repair episodes in ${file}: ${s.screened} of ${s.clients} clients screened${excluded ? `, ${excluded} rows without a score left out` : ''}`,
    `rules: ${r.rules.criterion}, baseline ${r.rules.baseline}, repair window ${r.rules.window}, reliable-change threshold ${formatCell(r.rules.reliableChange.threshold)}`,
    `       (${r.rules.reliableChange.source})`,
    '',
    episodes,
    '',
    `${s.episodes} episodes in ${s.clientsWithRupture} clients: ${s.repaired} repaired, ${s.unrepaired} not repaired (${s.censored} censored by the end of the series)`,
  ].join('\n');
}

function renderAlerts(r: SrsAlertResult, file: string): string {
  const rows = r.alerts.flatMap((a) =>
    a.alerts.map((x) => [a.client, a.session, a.score, a.previous, x.kind, x.message]),
  );
  return [
    `SRS alert rules in ${file}: ${r.summary.flaggedSessions} of ${r.summary.sessions} sessions flagged (${r.summary.below} below cut-off, ${r.summary.drop} drops)`,
    `rules: ${r.rules.map((x) => (x.kind === 'below' ? `total ${x.inequality} ${x.cutoff}` : `drop of at least ${x.minDrop} from the previous session`)).join('; ')}`,
    '',
    rows.length ? renderTable(['client', 'session', 'score', 'previous', 'rule', 'message'], rows) : 'no alerts',
  ].join('\n');
}
