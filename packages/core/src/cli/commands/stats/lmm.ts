import { lmmJson } from './json-shapes';
import {
  buildDesign,
  DesignError,
  fitDesign,
  FormulaError,
  parseFormula,
  type Columns,
  type Design,
  type LmmResult,
  type ParsedFormula,
} from '../../../stats/lmm';
import { mixedTrajectories, olsTrajectories } from '../../../stats/trajectories';
import { InputError, UsageError } from '../../../util/errors';
import { z } from 'zod';
import { defineCommand } from '../../command';
import { formatCell, renderTable } from '../../table';
import { flag, text } from '../../options';
import { dataSource, STUDY_OPTIONS } from './data-source';
import { type Cell, readLongTable, type ColumnSpec } from './input';

export const lmmCommand = defineCommand({
  path: ['stats', 'lmm'],
  summary: 'linear mixed model by REML, as lme4::lmer, with Satterthwaite df as lmerTest',
  description: [
    'Formula as lme4: fixed terms (a, a:b, a*b, 0/1 for the intercept; text columns get treatment contrasts)',
    'and random terms (1 | client), (session | client) with correlated effects, (session || client) without,',
    '(1 | therapist/client) for clients nested in therapists. Rows with a missing value in any model variable',
    'are dropped and counted. With --study the data are one row per client and session with columns client,',
    'therapist, session, session_id, date and one per source and scale, named as `export scores --wide` names them.',
    'Fixed effects carry SE, Satterthwaite df, t, p and a 95% CI; random effects their',
    'SDs and correlations; the ICC is each intercept variance over intercept variances plus residual.',
    "--trajectories adds per-client OLS lines and the model's fitted per-client lines over --time.",
    'JSON: {"formula","reml","n","dropped","fixed":[{term,estimate,se,df,t,p,ci95}],"random":[{group,effects,sd,variance,corr}],',
    '"residual","icc","criterion","logLik","theta","singular","converged","method"} (+ "ranef", "trajectories")',
  ].join('\n'),
  options: z.object({
    in: text('long CSV, one row per session (or --study)', 'FILE').optional(),
    formula: text('lme4-style model formula', 'FORMULA'),
    ml: flag('maximum likelihood instead of REML (for likelihood-ratio tests of fixed effects)'),
    ranef: flag('include the predicted random effects (BLUPs) of every level'),
    trajectories: flag('include per-client OLS and mixed-model trajectories over --time'),
    time: text('the session/time variable for --trajectories', 'COL').default('session'),
    ...STUDY_OPTIONS,
  }),
  examples: [
    'alliance stats lmm --in wai.csv --formula "wai ~ session + (session | client)" --json',
    'alliance stats lmm --in wai.csv --formula "wai ~ 1 + (1 | therapist/client)"',
    'alliance stats lmm --study demo --scale total --formula "client_wai_sr_client_total ~ lexicon_wai_o_s_observer_total + (1|client)"',
  ],
  async run(ctx, o) {
    let formula: ParsedFormula;
    try {
      formula = parseFormula(o.formula);
    } catch (err) {
      if (err instanceof FormulaError) throw new UsageError(err.message);
      throw err;
    }
    if (formula.random.length === 0)
      throw new UsageError(`formula "${formula.text}" has no random-effects term; add one such as (1 | client)`);
    const time = o.time;
    const wantTrajectories = o.trajectories;
    if (wantTrajectories && !formula.fixed.some((t) => t.vars.length === 1 && t.vars[0] === time)) {
      throw new UsageError(
        `--trajectories needs "${time}" as a fixed effect in the formula (set the variable with --time)`,
      );
    }
    const source = dataSource(o);
    let table: { file: string; rows: Array<Record<string, Cell> & { line: number }> };
    if (source.kind === 'study') {
      const { studyFrame } = await import('./study-input');
      table = await studyFrame(source.study, formula.variables);
    } else {
      const specs: Record<string, ColumnSpec> = {};
      for (const v of formula.variables) specs[v] = { name: v, kind: 'id', option: '--formula', allowMissing: true };
      table = await readLongTable(source.file, specs);
    }
    const columns: Columns = {};
    for (const v of formula.variables) columns[v] = table.rows.map((r) => r[v] as string | null);

    let result: LmmResult;
    let design: Design;
    try {
      design = buildDesign(formula, columns);
      result = fitDesign(design, formula.text, { reml: !o.ml });
    } catch (err) {
      if (err instanceof DesignError) {
        throw new InputError(err.message, {
          file: table.file,
          ...(err.row !== undefined ? { line: table.rows[err.row]!.line } : {}),
          ...(err.column ? { column: err.column } : {}),
        });
      }
      if (err instanceof RangeError) throw new InputError(err.message, { file: table.file });
      throw err;
    }
    for (const w of result.warnings ?? []) ctx.warn(w);
    if (!result.converged)
      ctx.warn(
        `the optimiser stopped without meeting its convergence test (${result.optimizer.message}); treat the estimates with care`,
      );
    if (result.singular)
      ctx.warn(
        'singular fit: a random-effect variance is estimated at zero or a correlation at ±1; consider a simpler random-effects structure',
      );

    const data = lmmJson(result, table.file);
    if (o.ranef) data.ranef = result.ranef;
    if (wantTrajectories) {
      const primary = design.terms[0]!;
      const timeCol = columns[time]!;
      const ols = olsTrajectories({
        subject: Array.from(primary.index, (l) => primary.levels[l]!),
        session: Array.from(design.rows, (row) => Number(timeCol[row])),
        value: design.y,
      });
      const mixed = mixedTrajectories(result, time);
      data.trajectories = {
        time,
        group: primary.group,
        ols: ols.clients,
        mixed: mixed.clients,
        method: { ols: ols.method, mixed: mixed.method },
      };
    }
    return { data, text: renderLmm(result, table.file) };
  },
});

function renderLmm(r: LmmResult, file: string): string {
  const fixed = renderTable(
    ['term', 'estimate', 'se', 'df', 't', 'p', 'ci95 low', 'ci95 high'],
    r.fixed.map((f) => [f.term, f.estimate, f.se, f.df, f.t, f.p, f.ci95[0], f.ci95[1]]),
  );
  const randomRows: Array<Array<string | number | null>> = [];
  for (const c of r.random) {
    c.effects.forEach((e, i) => {
      const corr = c.corr
        ? c.corr[i]!.slice(0, i)
            .map((v) => formatCell(v))
            .join(' ')
        : '';
      randomRows.push([i === 0 ? `${c.group} (${c.levels})` : '', e, c.sd[i]!, c.variance[i]!, corr]);
    });
  }
  randomRows.push(['residual', '', r.residual.sd, r.residual.variance, '']);
  return [
    `linear mixed model (${r.reml ? 'REML' : 'ML'}): ${r.formula}`,
    `${file}: ${r.n} rows used${r.dropped ? `, ${r.dropped} dropped for missing values` : ''}`,
    `${r.reml ? 'REML criterion' : 'deviance'} ${formatCell(r.criterion)}, log-likelihood ${formatCell(r.logLik)}${r.singular ? ' (singular fit)' : ''}`,
    '',
    'fixed effects (Satterthwaite df)',
    fixed,
    '',
    'random effects',
    renderTable(['group (levels)', 'effect', 'sd', 'variance', 'corr'], randomRows),
    '',
    `ICC (intercept): ${r.icc.map((i) => `${i.group} ${formatCell(i.icc)}`).join(', ') || 'no random intercept'}`,
  ].join('\n');
}
