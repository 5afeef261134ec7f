import { groupBy, type PairedSeries } from '../grouping';
import { quantileSorted, resampleDraws } from '../random';

export interface ClusterBootstrapOptions {
  /** Resamples; default 1000. */
  resamples?: number;
  /** Seed of the generator (createRng); default 1. */
  seed?: number;
  level?: number;
}

export interface ClusterBootstrapResult {
  /** Percentile intervals; null when too few resamples define the statistic. */
  rmcorr: [number, number] | null;
  between: [number, number] | null;
  resamples: number;
  seed: number;
  /** Resamples in which the statistic was undefined (too few distinct clients, nothing varying). */
  undefinedResamples: { rmcorr: number; between: number };
  method: string;
}

/**
 * Client-level cluster bootstrap of the repeated-measures correlation and the between-client correlation of
 * client means: each resample draws k clients with replacement (a client drawn twice counts as two clients) and
 * keeps all their sessions, so the interval respects that sessions of one client are not independent. Each
 * client's centred cross-products and means are computed once; a resample only adds them up.
 */
export function clusterBootstrap(data: PairedSeries, opts: ClusterBootstrapOptions = {}): ClusterBootstrapResult {
  const resamples = opts.resamples ?? 1000;
  const seed = opts.seed ?? 1;
  const level = opts.level ?? 0.95;
  const g = groupBy(data.subject);
  const k = g.levels.length;
  const n = data.x.length;
  const mx = new Float64Array(k);
  const my = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    mx[g.index[i]!]! += data.x[i]!;
    my[g.index[i]!]! += data.y[i]!;
  }
  for (let c = 0; c < k; c++) {
    mx[c]! /= g.sizes[c]!;
    my[c]! /= g.sizes[c]!;
  }
  const sxy = new Float64Array(k);
  const sxx = new Float64Array(k);
  const syy = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const c = g.index[i]!;
    const dx = data.x[i]! - mx[c]!;
    const dy = data.y[i]! - my[c]!;
    sxy[c]! += dx * dy;
    sxx[c]! += dx * dx;
    syy[c]! += dy * dy;
  }
  const drawsOf = resampleDraws(seed, k, resamples);
  const rm: number[] = [];
  const bt: number[] = [];
  let undefRm = 0;
  let undefBt = 0;
  for (let b = 0; b < resamples; b++) {
    const draw = drawsOf(b);
    let a = 0;
    let xx = 0;
    let yy = 0;
    let obs = 0;
    let ax = 0;
    let ay = 0;
    for (let j = 0; j < k; j++) {
      const c = draw[j]!;
      a += sxy[c]!;
      xx += sxx[c]!;
      yy += syy[c]!;
      obs += g.sizes[c]!;
      ax += mx[c]!;
      ay += my[c]!;
    }
    // rmcorr needs N − k − 1 ≥ 1 and variation within clients, as rmcorr() does.
    if (obs - k - 1 >= 1 && xx > 0 && yy > 0) rm.push(Math.max(-1, Math.min(1, a / Math.sqrt(xx * yy))));
    else undefRm++;
    ax /= k;
    ay /= k;
    let bxy = 0;
    let bxx = 0;
    let byy = 0;
    for (let j = 0; j < k; j++) {
      const c = draw[j]!;
      const dx = mx[c]! - ax;
      const dy = my[c]! - ay;
      bxy += dx * dy;
      bxx += dx * dx;
      byy += dy * dy;
    }
    if (bxx > 0 && byy > 0) bt.push(Math.max(-1, Math.min(1, bxy / Math.sqrt(bxx * byy))));
    else undefBt++;
  }
  const interval = (v: number[]): [number, number] | null => {
    if (v.length < 2) return null;
    v.sort((p, q) => p - q);
    return [quantileSorted(v, (1 - level) / 2), quantileSorted(v, (1 + level) / 2)];
  };
  return {
    rmcorr: interval(rm),
    between: interval(bt),
    resamples,
    seed,
    undefinedResamples: { rmcorr: undefRm, between: undefBt },
    method: `client-level cluster bootstrap: ${resamples} resamples of k clients drawn with replacement (createRng seed ${seed}), all sessions of a drawn client kept; percentile ${Math.round(level * 100)}% intervals (R type 7 quantiles)`,
  };
}
