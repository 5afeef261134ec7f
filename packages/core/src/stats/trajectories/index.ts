import { groupBy } from '../grouping';
import type { LmmResult } from '../lmm';
import { type Reasons, withReasons } from '../reasons';
import type { SessionSeries } from '../ruptures';

/**
 * Per-client alliance trajectories over sessions: each client's own least-squares line, and the mixed
 * model's fitted line for the client (fixed effects plus the client's predicted random effects, shrunk
 * towards the average trajectory in proportion to how little the client's own data say).
 */

export interface OlsTrajectory {
  client: string;
  n: number;
  intercept: number;
  /** null with fewer than two distinct sessions. */
  slope: number | null;
  interceptSe: number | null;
  slopeSe: number | null;
  /** Why slope or an SE is null. */
  reasons?: Reasons;
}

/** Each client's OLS fit of value on session (R: coef(lm(value ~ session)) per client, as lme4::lmList). */
export function olsTrajectories(data: SessionSeries): { clients: OlsTrajectory[]; method: string } {
  const g = groupBy(data.subject);
  const k = g.levels.length;
  const sx = new Float64Array(k);
  const sy = new Float64Array(k);
  for (let i = 0; i < data.value.length; i++) {
    sx[g.index[i]!]! += data.session[i]!;
    sy[g.index[i]!]! += data.value[i]!;
  }
  const sxx = new Float64Array(k);
  const sxy = new Float64Array(k);
  const syy = new Float64Array(k);
  for (let i = 0; i < data.value.length; i++) {
    const c = g.index[i]!;
    const dx = data.session[i]! - sx[c]! / g.sizes[c]!;
    const dy = data.value[i]! - sy[c]! / g.sizes[c]!;
    sxx[c]! += dx * dx;
    sxy[c]! += dx * dy;
    syy[c]! += dy * dy;
  }
  const clients = g.levels.map((client, c): OlsTrajectory => {
    const n = g.sizes[c]!;
    const mx = sx[c]! / n;
    const my = sy[c]! / n;
    if (!(sxx[c]! > 0)) {
      const why = `the client has ${n === 1 ? 'one session' : 'all sessions at one time'}, so there is no line: the intercept is the mean`;
      return {
        client,
        n,
        intercept: my,
        slope: null,
        interceptSe: null,
        slopeSe: null,
        reasons: { slope: why, interceptSe: why, slopeSe: why },
      };
    }
    const slope = sxy[c]! / sxx[c]!;
    const intercept = my - slope * mx;
    if (n < 3) {
      const why = 'a line through two sessions has no residual df, so no SE';
      return withReasons(
        { client, n, intercept, slope, interceptSe: null, slopeSe: null },
        { interceptSe: why, slopeSe: why },
      );
    }
    const s2 = Math.max(syy[c]! - slope * sxy[c]!, 0) / (n - 2);
    return {
      client,
      n,
      intercept,
      slope,
      interceptSe: Math.sqrt(s2 * (1 / n + (mx * mx) / sxx[c]!)),
      slopeSe: Math.sqrt(s2 / sxx[c]!),
    };
  });
  return {
    clients,
    method: 'ordinary least squares of the score on session, separately for each client; intercept at session 0',
  };
}

export interface MixedTrajectory {
  client: string;
  intercept: number;
  slope: number;
  /** Random effects included: the client's, and those of the groups it is nested in (its therapist). */
  includes: string[];
}

/**
 * The mixed model's per-client trajectories: intercept = β(Intercept) + the client's (and its therapist's)
 * random intercepts; slope = β(time) + the matching random slopes. Other covariates are held at 0.
 */
export function mixedTrajectories(fit: LmmResult, time: string): { clients: MixedTrajectory[]; method: string } {
  const beta = Object.fromEntries(fit.fixed.map((f) => [f.term, f.estimate]));
  if (!(time in beta))
    throw new RangeError(
      `the model has no fixed effect "${time}"; its fixed effects are ${fit.fixed.map((f) => f.term).join(', ')}`,
    );
  const primary = fit.ranef[0]!;
  const others = new Map(fit.ranef.slice(1).map((g) => [g.group, g]));
  const effect = (g: { effects: string[] }, values: number[], name: string) => {
    const i = g.effects.indexOf(name);
    return i >= 0 ? values[i]! : 0;
  };
  const clients = primary.levels.map((lv): MixedTrajectory => {
    let intercept = (beta['(Intercept)'] ?? 0) + effect(primary, lv.ranef, '(Intercept)');
    let slope = beta[time]! + effect(primary, lv.ranef, time);
    const includes = [primary.group];
    for (const [group, level] of Object.entries(lv.within ?? {})) {
      const g = others.get(group)!;
      const other = g.levels.find((o) => o.level === level)!;
      intercept += effect(g, other.ranef, '(Intercept)');
      slope += effect(g, other.ranef, time);
      includes.push(group);
    }
    return { client: lv.level, intercept, slope, includes };
  });
  return {
    clients,
    method: `fitted per-client trajectories from the mixed model: fixed intercept and ${time} slope plus the client's predicted random effects (BLUPs) and those of the groups it is nested in; other covariates at 0`,
  };
}
