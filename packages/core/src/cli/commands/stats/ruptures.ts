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
import { defineCommand } from '../../command';
import { formatCell, renderTable } from '../../table';
import { instrumentCall, registryFor, STUDY_OPTION } from '../instruments/registry';
import { readSessionSeries } from './series-input';

const RULE_SETS = ['rupture-repair', 'srs-alerts'] as const;

export const rupturesCommand = defineCommand({
  path: ['stats', 'ruptures'],
  summary: 'rupture–repair episodes in session-by-session scores, or the SRS alert rules',
  usage:
    'alliance stats ruptures --in FILE.csv [--subject subject] [--session session] [--value value] [--k 1] [--baseline either] [--window 3] ' +
    '[--sd client] [--rc-sd SD --reliability R] [--rules rupture-repair|srs-alerts] [--json]',
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
  options: {
    in: { type: 'string', placeholder: 'FILE', description: 'long CSV, one row per session', required: true },
    subject: { type: 'string', placeholder: 'COL', description: 'client id column', default: 'subject' },
    session: { type: 'string', placeholder: 'COL', description: 'session number column', default: 'session' },
    value: { type: 'string', placeholder: 'COL', description: 'score column', default: 'value' },
    rules: {
      type: 'string',
      placeholder: 'SET',
      description: 'rupture-repair or srs-alerts',
      default: 'rupture-repair',
    },
    k: {
      type: 'string',
      placeholder: 'K',
      description: 'within-client SDs a rupture falls (1 Strauss-like, 2 Stiles-like)',
      default: '1',
    },
    baseline: {
      type: 'string',
      placeholder: 'B',
      description: 'fall measured from the client mean, the previous session, or either',
      default: 'either',
    },
    window: { type: 'string', placeholder: 'W', description: 'sessions within which a repair must come', default: '3' },
    sd: {
      type: 'string',
      placeholder: 'S',
      description: "SD for the k·SD rule: client (the client's own) or pooled",
      default: 'client',
    },
    'rc-sd': {
      type: 'string',
      placeholder: 'SD',
      description: 'reference SD for reliable change (with --reliability)',
    },
    reliability: {
      type: 'string',
      placeholder: 'R',
      description: 'reliability (alpha or test-retest) for reliable change',
    },
    'min-sessions': {
      type: 'string',
      placeholder: 'N',
      description: 'clients with fewer scored sessions are not screened',
      default: '3',
    },
    cutoff: {
      type: 'string',
      placeholder: 'X',
      description: 'srs-alerts: cut-off for the total (default from the SRS definition, 36)',
    },
    inequality: { type: 'string', placeholder: 'OP', description: 'srs-alerts: "<" or "<="' },
    'min-drop': {
      type: 'string',
      placeholder: 'D',
      description: 'srs-alerts: smallest drop from the previous session flagged',
    },
    form: { type: 'string', placeholder: 'FORM', description: 'srs-alerts: client or child', default: 'client' },
    study: STUDY_OPTION,
  },
  examples: [
    'alliance stats ruptures --in wai.csv --subject client --value wai --k 2 --baseline mean --json',
    'alliance stats ruptures --in wai.csv --subject client --value wai --rc-sd 8 --reliability .9',
    'alliance stats ruptures --in srs.csv --subject client --value total --rules srs-alerts',
  ],
  async run(ctx) {
    const rules = ctx.need('rules');
    if (!(RULE_SETS as readonly string[]).includes(rules))
      throw new UsageError(`--rules must be one of ${RULE_SETS.join(', ')}, got "${rules}"`);
    const cols = { subject: ctx.need('subject'), session: ctx.need('session'), value: ctx.need('value') };

    if (rules === 'srs-alerts') {
      const inequality = ctx.str('inequality');
      if (inequality !== undefined && inequality !== '<' && inequality !== '<=')
        throw new UsageError(`--inequality must be "<" or "<=", got "${inequality}"`);
      const definition = instrumentCall(() => registryFor(ctx.str('study')).definition('srs'));
      const input = await readSessionSeries(ctx.need('in'), cols);
      const res = srsAlerts(input.series, {
        definition,
        form: ctx.need('form'),
        ...(ctx.str('cutoff') !== undefined ? { cutoff: ctx.num('cutoff')! } : {}),
        ...(inequality ? { inequality } : {}),
        ...(ctx.str('min-drop') !== undefined ? { minDrop: ctx.num('min-drop', undefined, { min: 0 })! } : {}),
      });
      return { data: { file: input.file, excluded: input.excluded, ...res }, text: renderAlerts(res, input.file) };
    }

    const baseline = ctx.need('baseline');
    if (!['mean', 'previous', 'either'].includes(baseline))
      throw new UsageError(`--baseline must be mean, previous or either, got "${baseline}"`);
    const sd = ctx.need('sd');
    if (sd !== 'client' && sd !== 'pooled') throw new UsageError(`--sd must be client or pooled, got "${sd}"`);
    const rcSd = ctx.num('rc-sd', undefined, { min: 0 });
    const reliability = ctx.num('reliability', undefined, { min: 0, max: 1 });
    if ((rcSd === undefined) !== (reliability === undefined))
      throw new UsageError(
        '--rc-sd and --reliability go together: give both, or neither to use the within-client residual SD',
      );
    if (rcSd !== undefined && !(rcSd > 0 && reliability! < 1))
      throw new UsageError('--rc-sd must be positive and --reliability below 1');
    const k = ctx.num('k', 1, { min: 0 })!;
    if (!(k > 0)) throw new UsageError(`--k must be positive, got ${k}`);
    const input = await readSessionSeries(ctx.need('in'), cols);
    let res: RuptureResult;
    try {
      res = ruptures(input.series, {
        k,
        baseline: baseline as Baseline,
        window: ctx.num('window', 3, { min: 1, integer: true })!,
        sd: sd as SdSource,
        reliableChange: rcSd !== undefined ? { sd: rcSd, reliability: reliability! } : 'within',
        minSessions: ctx.num('min-sessions', 3, { min: 2, integer: true })!,
      });
    } catch (err) {
      if (err instanceof DuplicateSessionError) {
        throw new InputError(
          `client "${err.client}" has session ${err.session} twice (also on line ${input.lines[err.firstIndex]})`,
          {
            file: input.file,
            line: input.lines[err.index]!,
            column: cols.session,
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
