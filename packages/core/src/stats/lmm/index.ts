import { tQuantile, tTwoSidedP } from '../distributions';
import { choleskyInverse } from '../linalg';
import { minimizeBounded } from '../optimize';
import { buildDesign, type Columns, type Design } from './design';
import { crossProducts, lambdaOf, profiledDeviance, solvePls } from './deviance';
import { parseFormula, type ParsedFormula } from './formula';
import { satterthwaite } from './satterthwaite';

export { buildDesign, DesignError, type Columns, type Design, type Value } from './design';
export { FormulaError, parseFormula, type ParsedFormula } from './formula';

/**
 * Linear mixed models fitted by REML (or ML) the way lme4::lmer fits them: profiled deviance over the
 * relative covariance factor θ, minimised under θ's bounds; fixed effects with Satterthwaite degrees of
 * freedom as lmerTest computes them. See README.md for the model class and the checks against R.
 */

export interface LmmOptions {
  /** REML (default, as lmer) or maximum likelihood. */
  reml?: boolean;
}

export interface FixedEffect {
  term: string;
  estimate: number;
  se: number;
  df: number;
  t: number;
  p: number;
  /** β ± t(0.975, df)·SE with the Satterthwaite df. */
  ci95: [number, number];
}

export interface VarianceComponent {
  group: string;
  effects: string[];
  /** Standard deviation and variance of each effect. */
  sd: number[];
  variance: number[];
  /** Correlations between the effects (rows and columns in `effects` order); null for a single effect. */
  corr: number[][] | null;
  levels: number;
}

export interface GroupEffects {
  group: string;
  effects: string[];
  /**
   * Per level: the predicted random effects (BLUPs, lme4's ranef) and fixed + random (lme4's coef). For the
   * first grouping factor (normally the client), `within` names the level of each other grouping factor
   * that all of its rows share (its therapist, when clients are nested in therapists).
   */
  levels: Array<{ level: string; ranef: number[]; coef: Record<string, number>; within?: Record<string, string> }>;
}

export interface LmmResult {
  formula: string;
  reml: boolean;
  n: number;
  /** Rows dropped for a missing value in a model variable. */
  dropped: number;
  fixed: FixedEffect[];
  random: VarianceComponent[];
  residual: { sd: number; variance: number };
  /** Intercept variance of each grouping factor over the total of intercept variances and residual. */
  icc: Array<{ group: string; icc: number }>;
  /** lme4's REMLcrit() for REML fits, deviance() for ML fits. */
  criterion: number;
  logLik: number;
  theta: number[];
  singular: boolean;
  converged: boolean;
  optimizer: { iterations: number; evaluations: number; message: string };
  ranef: GroupEffects[];
  /** What the design did that the user may not have meant; absent when nothing. */
  warnings?: string[];
  method: string;
}

export function fitLmm(data: Columns, formula: string | ParsedFormula, opts: LmmOptions = {}): LmmResult {
  const parsed = typeof formula === 'string' ? parseFormula(formula) : formula;
  if (parsed.random.length === 0)
    throw new RangeError(`formula "${parsed.text}" has no random-effects term such as (1 | client)`);
  const design = buildDesign(parsed, data);
  return fitDesign(design, parsed.text, opts);
}

export function fitDesign(design: Design, formulaText: string, opts: LmmOptions = {}): LmmResult {
  const reml = opts.reml ?? true;
  const cp = crossProducts(design);
  const { n, p } = cp;
  if (n - p <= 0) throw new RangeError(`the model has ${p} fixed effects but only ${n} observations`);
  for (const t of design.terms) {
    if (t.levels.length < 2)
      throw new RangeError(`grouping factor "${t.group}" has only one level; a random effect needs at least two`);
    if (t.levels.length * t.p >= n) {
      throw new RangeError(
        `grouping factor "${t.group}" has ${t.levels.length} levels × ${t.p} effects for ${n} observations: the random effects cannot be told apart from the residual`,
      );
    }
  }

  const objective = (theta: number[]) => {
    const sol = solvePls(cp, theta);
    return sol ? profiledDeviance(cp, sol, reml) : Infinity;
  };
  // The penalised RSS is y'y minus what the model explains, so an exact fit leaves rounding of y'y, not 0.
  // When the fixed effects alone reproduce the response no variance is left to split between groups and
  // residual, and the profiled deviance would be log(noise).
  const ols = solvePls(
    cp,
    cp.start.map(() => 0),
  );
  if ((ols && ols.r2 <= 1e-11 * cp.yty) || !Number.isFinite(objective(cp.start)))
    throw new RangeError(
      'the fixed effects fit the response exactly (no residual variance is left), so the variance components are undefined',
    );
  const opt = minimizeBounded(objective, cp.start, {
    lower: cp.lower,
    gradTol: 1e-9,
    fTol: 1e-15,
    maxIterations: 1000,
  });
  // Values this close to a bound are on it: lme4 reports singular fits with θ exactly 0 and so do we.
  const theta = opt.x.map((v, i) => (cp.lower[i] === 0 && v < 1e-10 ? 0 : v));
  const sol = solvePls(cp, theta, true)!;
  const criterion = profiledDeviance(cp, sol, reml);
  const sigma2 = sol.r2 / (reml ? n - p : n);
  const sigma = Math.sqrt(sigma2);

  const vcov = choleskyInverse(sol.lx).data.map((v) => sigma2 * v);
  const { df } = satterthwaite(cp, theta, sigma, reml, vcov);
  const fixed: FixedEffect[] = design.fixedNames.map((term, j) => {
    const estimate = sol.beta[j]!;
    const se = Math.sqrt(vcov[j * p + j]!);
    const t = estimate / se;
    const q = tQuantile(0.975, df[j]!);
    return {
      term,
      estimate,
      se,
      df: df[j]!,
      t,
      p: tTwoSidedP(t, df[j]!),
      ci95: [estimate - q * se, estimate + q * se],
    };
  });

  const random = cp.terms.map((t): VarianceComponent => {
    const L = lambdaOf(theta, t.thetaOffset, t.p);
    const cov = new Float64Array(t.p * t.p);
    for (let i = 0; i < t.p; i++)
      for (let j = 0; j < t.p; j++) {
        let s = 0;
        for (let k = 0; k < t.p; k++) s += L[i * t.p + k]! * L[j * t.p + k]!;
        cov[i * t.p + j] = sigma2 * s;
      }
    const variance = Array.from({ length: t.p }, (_, i) => cov[i * t.p + i]!);
    const sd = variance.map(Math.sqrt);
    const corr =
      t.p > 1
        ? Array.from({ length: t.p }, (_, i) =>
            Array.from({ length: t.p }, (_, j) =>
              i === j ? 1 : sd[i]! > 0 && sd[j]! > 0 ? cov[i * t.p + j]! / (sd[i]! * sd[j]!) : NaN,
            ),
          )
        : null;
    return { group: t.group, effects: t.effects, sd, variance, corr, levels: t.levels.length };
  });

  const interceptVars = random
    .filter((r) => r.effects[0] === '(Intercept)')
    .map((r) => ({ group: r.group, v: r.variance[0]! }));
  const totalIntercept = interceptVars.reduce((s, r) => s + r.v, 0) + sigma2;
  const icc = interceptVars.map((r) => ({ group: r.group, icc: r.v / totalIntercept }));

  // Levels of the other grouping factors that each first-factor level's rows all share (-2: not one level).
  const primary = design.terms[0]!;
  const shared = design.terms
    .slice(1)
    .filter((other) => other.group !== primary.group)
    .map((other) => {
      const lv = new Int32Array(primary.levels.length).fill(-1);
      for (let i = 0; i < design.n; i++) {
        const j = primary.index[i]!;
        const o = other.index[i]!;
        lv[j] = lv[j] === -1 || lv[j] === o ? o : -2;
      }
      return { other, lv };
    });
  const withinOf = (level: number): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const { other, lv } of shared) if (lv[level]! >= 0) out[other.group] = other.levels[lv[level]!]!;
    return out;
  };
  // Terms on the same grouping factor ((session || client) makes two) are merged, as lme4's ranef() shows
  // them: one row per level with every effect.
  const ranef: GroupEffects[] = [];
  cp.terms.forEach((t, ti) => {
    const L = lambdaOf(theta, t.thetaOffset, t.p);
    const u = sol.u![ti]!;
    let g = ranef.find((r) => r.group === t.group);
    if (!g) {
      g = { group: t.group, effects: [], levels: [] };
      ranef.push(g);
    }
    const start = g.effects.length;
    g.effects.push(...t.effects);
    const byLevel = new Map(g.levels.map((lv, idx) => [lv.level, idx]));
    t.levels.forEach((level, l) => {
      const b = Array.from({ length: t.p }, (_, i) => {
        let s = 0;
        for (let k = 0; k <= i; k++) s += L[i * t.p + k]! * u[l * t.p + k]!;
        return s;
      });
      let idx = byLevel.get(level);
      if (idx === undefined) {
        const coef: Record<string, number> = {};
        design.fixedNames.forEach((name, j) => (coef[name] = sol.beta[j]!));
        idx =
          g.levels.push(
            ti === 0
              ? { level, ranef: new Array<number>(start).fill(0), coef, within: withinOf(l) }
              : { level, ranef: new Array<number>(start).fill(0), coef },
          ) - 1;
      }
      const lv = g.levels[idx]!;
      lv.ranef.push(...b);
      t.effects.forEach((e, i) => (lv.coef[e] = (lv.coef[e] ?? 0) + b[i]!));
    });
  });

  return {
    formula: formulaText,
    reml,
    n,
    dropped: design.dropped,
    fixed,
    random,
    residual: { sd: sigma, variance: sigma2 },
    icc,
    criterion,
    logLik: -criterion / 2,
    theta,
    singular: cp.lower.some((lo, i) => lo === 0 && theta[i]! < 1e-4),
    converged: opt.converged,
    optimizer: { iterations: opt.iterations, evaluations: opt.evaluations, message: opt.message },
    ranef,
    ...(design.warnings ? { warnings: design.warnings } : {}),
    method:
      `linear mixed model fitted by ${reml ? 'REML' : 'maximum likelihood'} (profiled deviance over the relative covariance factor, as lme4::lmer; ` +
      'bounded quasi-Newton optimiser); fixed-effect df by Satterthwaite as lmerTest computes them; 95% CI = estimate ± t(df)·SE; ' +
      'ICC = intercept variance / (sum of intercept variances + residual variance)',
  };
}
