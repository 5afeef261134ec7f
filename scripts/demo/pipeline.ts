import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ratingSteps } from './rating-steps';
import { alliance } from './run-cli';

/** Column names of `export scores --wide`: rater_instrument_form_scale, as the codebook names variables. */
const WAI_SR_TOTAL = 'client_wai_sr_client_total';
const SRS_TOTAL = 'client_srs_client_total';
const LEXICON_TOTAL = 'lexicon_wai_o_s_observer_total';

/** The demo study's definition: instruments, schedule, raters, analysis plan. */
const TEMPLATE = fileURLToPath(new URL('../../studies/demo', import.meta.url));

const fixed = (x: unknown) => (typeof x === 'number' ? x.toFixed(2) : String(x));

export interface DemoStep {
  title: string;
  args: string[];
  /** One line about what the step did, from the command's JSON. */
  report(data: Record<string, unknown>): string;
  /** Work the command needs done first that no command does (e.g. deriving lexicon-alt's marker file). */
  setup?(): void;
}

/**
 * The demo pipeline as a list of CLI invocations, in order. Each capability of alliance-lab is one step; a new
 * capability (rating, statistics, a report) joins the demo by adding its step here.
 */
export function demoSteps(study: string, data: string): DemoStep[] {
  const totals = join(study, 'totals.csv');
  const coders = join(study, 'coders-wai-o-s-totals.csv');
  const importResponses = (title: string, instrument: string, form: string, file: string): DemoStep => ({
    title,
    args: ['import', 'responses', '--study', study, '--instrument', instrument, '--form', form, join(data, file)],
    report: (d) => `${d.responses} questionnaires read, ${d.inserted} stored, ${d.scored} scored`,
  });
  return [
    {
      title: 'create the study',
      args: ['init', study, '--from', TEMPLATE],
      report: (d) => `"${d.name}" in ${study}`,
    },
    {
      title: 'import transcripts',
      args: ['import', 'transcripts', '--study', study, join(data, 'transcripts.jsonl')],
      report: (d) => `${d.sessionsImported} sessions, ${d.utterances} utterances`,
    },
    importResponses('import client WAI-SR', 'wai-sr', 'client', 'wai-sr.csv'),
    importResponses('import client SRS', 'srs', 'client', 'srs.csv'),
    importResponses("import coders' WAI-O-S", 'wai-o-s', 'observer', 'coders-wai-o-s.csv'),
    ...ratingSteps(study),
    {
      title: 'code every utterance (MI behaviour codes)',
      args: ['code', '--study', study, '--out', join(study, 'codes.csv')],
      report: (d) => {
        const n = d.counts as Record<string, number>;
        return `${d.utterances} utterances of ${d.sessions} sessions in ${join(study, 'codes.csv')}: ${n.reflection ?? 0} reflections, ${n.question ?? 0} questions, ${n.change ?? 0} change talk, ${n.sustain ?? 0} sustain talk`;
      },
    },
    {
      title: 'export scores',
      args: ['export', 'scores', '--study', study, '--out', join(study, 'scores.csv')],
      report: (d) => `${d.rows} score rows in ${join(study, 'scores.csv')}`,
    },
    {
      title: 'write the study codebook',
      args: ['codebook', '--study', study, '--format', 'md', '--out', join(study, 'codebook.md')],
      report: (d) => `${d.variables} variables in ${join(study, 'codebook.md')}`,
    },
    {
      title: "export the coders' WAI-O-S totals",
      args: [
        'export',
        'scores',
        '--study',
        study,
        '--instrument',
        'wai-o-s',
        '--scale',
        'total',
        '--rater',
        'K1,K2',
        '--out',
        coders,
      ],
      report: (d) => `${d.rows} coder ratings in ${coders}`,
    },
    {
      title: 'inter-coder reliability of WAI-O-S totals',
      args: ['stats', 'icc', '--in', coders, '--subject', 'session_id', '--rater', 'rater', '--value', 'score'],
      report: (d) => {
        const icc = d.ICC2 as { icc: number; ci95: number[] };
        return `ICC(2,1) absolute agreement = ${fixed(icc.icc)} [${icc.ci95.map(fixed).join(', ')}] over ${d.n} sessions`;
      },
    },
    {
      title: 'export session totals',
      args: ['export', 'scores', '--study', study, '--wide', '--scale', 'total', '--out', totals],
      report: (d) => `${d.rows} sessions in ${totals}`,
    },
    {
      title: 'within-client correlation of WAI-SR and SRS',
      args: ['stats', 'rmcorr', '--in', totals, '--subject', 'client', '--x', WAI_SR_TOTAL, '--y', SRS_TOTAL],
      report: (d) =>
        `r_rm = ${fixed(d.r)} [${(d.ci95 as number[]).map(fixed).join(', ')}], ${d.n} sessions of ${d.subjects} clients`,
    },
    {
      title: 'validity of lexicon WAI-O-S against client WAI-SR, within and between clients',
      args: ['stats', 'corr', '--in', totals, '--subject', 'client', '--x', LEXICON_TOTAL, '--y', WAI_SR_TOTAL],
      report: (d) => {
        const r = (k: string) => (d[k] as { r: number }).r;
        const pooled = (d.pooled as { pearson: { r: number } }).pearson.r;
        return `within r_rm = ${fixed(r('rmcorr'))}, between r = ${fixed(r('between'))} (pooled r = ${fixed(pooled)}, which mixes the two)`;
      },
    },
    {
      title: 'rupture–repair episodes in client WAI-SR',
      args: [
        'stats',
        'ruptures',
        '--in',
        totals,
        '--subject',
        'client',
        '--session',
        'session',
        '--value',
        WAI_SR_TOTAL,
      ],
      report: (d) => {
        const s = d.summary as Record<string, number>;
        return `${s.episodes} episodes in ${s.clientsWithRupture} clients, ${s.repaired} repaired (${(d.rules as { criterion: string }).criterion})`;
      },
    },
    {
      title: 'validate the raters and write the report',
      args: [
        'validate',
        '--study',
        study,
        '--ground-truth',
        join(data, 'ground-truth.csv'),
        '--out',
        join(study, 'report.html'),
      ],
      report: (d) => validateHeadline(d, join(study, 'report.html')),
    },
    {
      title: "write the analyst's dataset",
      args: ['export', 'dataset', '--study', study, '--out', join(study, 'dataset'), '--format', 'csv,parquet'],
      report: (d) =>
        `${(d.files as string[]).length} files in ${d.out} (${d.deidentified ? 'de-identified' : 'identified'}; manifest.json): ${Object.entries(
          d.tables as Record<string, number>,
        )
          .map(([t, n]) => `${t} ${n}`)
          .join(', ')}`,
    },
  ];
}

type Figure = { r?: number | null; ci95?: number[] | null } | null;
const rAndCi = (f: Figure) =>
  f && typeof f.r === 'number' ? `${fixed(f.r)} [${(f.ci95 ?? []).map(fixed).join(', ')}]` : 'NA';

/**
 * The headline of `alliance validate`: per rater, the within-client validity against the criterion, the same for
 * the transcript's length (the baseline a rater must beat), and what is left once length is held constant.
 */
function validateHeadline(d: Record<string, unknown>, report: string): string {
  const criterion = d.criterion as { instrument: string; scale: string } | null;
  const raters = d.raters as Array<{
    rater: string;
    vsSelfReport: Array<{
      rater: { scale: string };
      selfReport: { instrument: string; scale: string };
      rmcorr: Figure;
    }>;
    baselines: Array<{ baseline: string; rmcorr: Figure }>;
    incremental: Array<{ selfReport: { instrument: string }; partialRmcorr: Figure }>;
    vsCoders: Array<{ coder: string; icc: { ICC2?: { icc: number | null } } | null }>;
  }>;
  const words = raters[0]?.baselines.find((b) => b.baseline === 'words');
  const lines = raters.map((r) => {
    const v = r.vsSelfReport.find(
      (x) =>
        x.rater.scale === 'total' &&
        x.selfReport.instrument === criterion?.instrument &&
        x.selfReport.scale === criterion?.scale,
    );
    const partial = r.incremental.find((i) => i.selfReport.instrument === criterion?.instrument);
    const mean = r.vsCoders.find((c) => c.coder === 'mean');
    return `${r.rater}: r_rm with ${criterion?.instrument ?? 'criterion'} = ${rAndCi(v?.rmcorr ?? null)}, controlling for transcript length ${rAndCi(partial?.partialRmcorr ?? null)}; ICC(2,1) with the coders' mean = ${fixed(mean?.icc?.ICC2?.icc ?? 'NA')}`;
  });
  return [
    `report in ${report}`,
    ...lines,
    `transcript length alone (words): r_rm = ${rAndCi(words?.rmcorr ?? null)}`,
  ].join('; ');
}

/** Deletes and rebuilds the study folder from the demo dataset, then returns `alliance status` counts. */
export async function runDemo(
  study: string,
  data: string,
  log: (line: string) => void = () => {},
): Promise<Record<string, unknown>> {
  rmSync(study, { recursive: true, force: true });
  for (const [i, step] of demoSteps(study, data).entries()) {
    step.setup?.();
    const { data: result } = await alliance(step.args);
    log(`${i + 1}. ${step.title}: ${step.report(result)}`);
  }
  return (await alliance(['status', '--study', study])).data;
}
