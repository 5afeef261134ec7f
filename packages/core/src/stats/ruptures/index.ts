import { reliableChange } from '@alliance-lab/instruments';
import { groupBy } from '../grouping';
import type { Reasons } from '../reasons';

export { srsAlerts, type SrsAlertOptions, type SrsAlertResult, type SrsSessionAlert } from './srs-alerts';

/**
 * Rupture–repair episodes in session-by-session alliance scores (the "V-shaped" pattern of Stiles et al.
 * 2004 and Strauss et al. 2006). The exact rules are in README.md beside this file; every threshold used
 * is returned with the result so a report can state it.
 */

export interface SessionSeries {
  subject: ArrayLike<string | number>;
  session: ArrayLike<number>;
  value: ArrayLike<number>;
}

export type Baseline = 'mean' | 'previous' | 'either';
export type SdSource = 'client' | 'pooled';

export interface RuptureOptions {
  /** A rupture falls at least k within-client SDs below the baseline: 1 Strauss-like, 2 Stiles-like. Default 1. */
  k?: number;
  /** What the fall is measured from: the client's mean, the previous session, or either (default). */
  baseline?: Baseline;
  /** Repair must come within this many sessions after the rupture. Default 3. */
  window?: number;
  /** SD for the k·SD rule: the client's own series (default) or pooled within-client SD. */
  sd?: SdSource;
  /**
   * Reliable-change threshold (Jacobson & Truax 1991): from a reference SD and reliability, or (default)
   * from the pooled within-client residual SD around each client's linear trend, taken as the standard
   * error of measurement.
   */
  reliableChange?: { sd: number; reliability: number } | 'within';
  /** Clients with fewer scored sessions are not screened. Default 3. */
  minSessions?: number;
}

export interface Episode {
  client: string;
  rupture: { session: number; score: number };
  /** Which baseline(s) the fall was measured against. */
  baseline: 'mean' | 'previous' | 'both';
  /** The level a repair must return to. */
  preLevel: number;
  /** preLevel − rupture score. */
  drop: number;
  /** Lowest score before repair (or within the window), and preLevel − it. */
  lowest: { session: number; score: number };
  depth: number;
  repaired: boolean;
  repair: { session: number; score: number } | null;
  /** Scored sessions spent below the pre-rupture level, counting the rupture session. */
  length: number;
  /** Not repaired, and the series ends before the window closes: repair could not be observed. */
  censored: boolean;
}

export interface ClientRuptures {
  client: string;
  sessions: number;
  mean: number | null;
  sd: number | null;
  episodes: number;
  repaired: number;
  /** Why the client was not screened, if not. */
  skipped: string | null;
  /** Why mean or sd is null: the client was not screened. */
  reasons?: Reasons;
}

export interface RuptureResult {
  episodes: Episode[];
  clients: ClientRuptures[];
  summary: {
    clients: number;
    screened: number;
    clientsWithRupture: number;
    episodes: number;
    repaired: number;
    unrepaired: number;
    censored: number;
  };
  rules: {
    k: number;
    criterion: string;
    baseline: Baseline;
    window: number;
    sd: SdSource;
    pooledWithinSd: number | null;
    reliableChange: { threshold: number; sdiff: number; source: string };
    minSessions: number;
    reasons?: Reasons;
  };
  method: string;
}

interface Obs {
  session: number;
  score: number;
  index: number;
}

function sampleSd(v: number[]): number {
  const m = v.reduce((s, x) => s + x, 0) / v.length;
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
}

/**
 * Pooled within-client SDs: around each client's mean (df n_c − 1 each) and around each client's OLS line
 * over sessions (df n_c − 2 each, clients with ≥ 3 sessions).
 */
function pooledSds(series: Obs[][]): { aroundMean: number | null; aroundTrend: number | null } {
  let ssMean = 0;
  let dfMean = 0;
  let ssTrend = 0;
  let dfTrend = 0;
  for (const s of series) {
    const n = s.length;
    if (n < 2) continue;
    const mx = s.reduce((a, o) => a + o.session, 0) / n;
    const my = s.reduce((a, o) => a + o.score, 0) / n;
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    for (const o of s) {
      sxx += (o.session - mx) ** 2;
      sxy += (o.session - mx) * (o.score - my);
      syy += (o.score - my) ** 2;
    }
    ssMean += syy;
    dfMean += n - 1;
    if (n >= 3 && sxx > 0) {
      const resid = syy - (sxy * sxy) / sxx;
      // Scores exactly on a line leave a residual that is rounding of syy, not variation.
      ssTrend += resid <= 1e-12 * syy ? 0 : resid;
      dfTrend += n - 2;
    }
  }
  return {
    aroundMean: dfMean > 0 ? Math.sqrt(ssMean / dfMean) : null,
    aroundTrend: dfTrend > 0 ? Math.sqrt(Math.max(ssTrend, 0) / dfTrend) : null,
  };
}

export function ruptures(data: SessionSeries, opts: RuptureOptions = {}): RuptureResult {
  const k = opts.k ?? 1;
  const baseline = opts.baseline ?? 'either';
  const window = opts.window ?? 3;
  const sdSource = opts.sd ?? 'client';
  const minSessions = opts.minSessions ?? 3;
  if (!(k > 0)) throw new RangeError(`k must be positive, got ${k}`);
  if (!(window >= 1)) throw new RangeError(`the repair window must be at least 1 session, got ${window}`);
  if (!(minSessions >= 2)) throw new RangeError(`minSessions must be at least 2, got ${minSessions}`);
  const n = data.value.length;
  if (data.session.length !== n || data.subject.length !== n)
    throw new RangeError('subject, session and value must have the same length');

  const g = groupBy(data.subject);
  const series: Obs[][] = g.levels.map(() => []);
  for (let i = 0; i < n; i++) series[g.index[i]!]!.push({ session: data.session[i]!, score: data.value[i]!, index: i });
  for (const s of series) {
    s.sort((a, b) => a.session - b.session);
    for (let t = 1; t < s.length; t++) {
      if (s[t]!.session === s[t - 1]!.session) {
        throw new DuplicateSessionError(String(data.subject[s[t]!.index]), s[t]!.session, s[t - 1]!.index, s[t]!.index);
      }
    }
  }

  const pooled = pooledSds(series);
  let rcThreshold: number;
  let sdiff: number;
  let rcSource: string;
  if (opts.reliableChange && opts.reliableChange !== 'within') {
    // reliableChange's threshold is 1.96·S_diff with S_diff = √2·SD·√(1 − r): the Jacobson–Truax form.
    const rc = reliableChange(0, 0, opts.reliableChange);
    rcThreshold = rc.threshold;
    sdiff = rc.sdiff;
    rcSource = `Jacobson–Truax with SD ${opts.reliableChange.sd} and reliability ${opts.reliableChange.reliability} supplied: S_diff = √2·SD·√(1 − r)`;
  } else {
    if (pooled.aroundTrend === null)
      throw new RangeError(
        'no client has 3 or more sessions, so there is no within-client residual SD; supply an SD and reliability',
      );
    if (pooled.aroundTrend === 0)
      throw new RangeError(
        "every client's scores lie exactly on a straight line over sessions, so the within-client residual SD is 0 and the reliable-change threshold would be 0 (any fall at all would count as a rupture); supply a reference SD and reliability",
      );
    sdiff = Math.SQRT2 * pooled.aroundTrend;
    rcThreshold = 1.96 * sdiff;
    rcSource = `Jacobson–Truax with the pooled within-client residual SD around each client's linear trend (${pooled.aroundTrend.toPrecision(6)}) as the standard error of measurement: S_diff = √2·SD_resid`;
  }

  const episodes: Episode[] = [];
  const clients: ClientRuptures[] = [];
  series.forEach((s, ci) => {
    const client = g.levels[ci]!;
    if (s.length < minSessions) {
      clients.push({
        client,
        sessions: s.length,
        mean: null,
        sd: null,
        episodes: 0,
        repaired: 0,
        skipped: `fewer than ${minSessions} scored sessions`,
        reasons: { mean: 'not screened', sd: 'not screened' },
      });
      return;
    }
    const scores = s.map((o) => o.score);
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    const sd = sdSource === 'client' ? sampleSd(scores) : pooled.aroundMean!;
    if (!(sd > 0)) {
      clients.push({
        client,
        sessions: s.length,
        mean,
        sd,
        episodes: 0,
        repaired: 0,
        skipped: 'the scores do not vary',
      });
      return;
    }
    const kSd = k * sd;
    let found = 0;
    let repairedCount = 0;
    let t = 0;
    while (t < s.length) {
      const x = s[t]!.score;
      const fromMean = baseline !== 'previous' && mean - x >= kSd - 1e-12 && mean - x > rcThreshold;
      const prev = t > 0 ? s[t - 1]!.score : NaN;
      const fromPrev = baseline !== 'mean' && t > 0 && prev - x >= kSd - 1e-12 && prev - x > rcThreshold;
      if (!fromMean && !fromPrev) {
        t++;
        continue;
      }
      const preLevel = fromMean && fromPrev ? Math.max(mean, prev) : fromMean ? mean : prev;
      const start = s[t]!;
      let lowest = start;
      let repairAt = -1;
      let last = t;
      for (let j = t + 1; j < s.length && s[j]!.session - start.session <= window; j++) {
        if (s[j]!.score >= preLevel) {
          repairAt = j;
          break;
        }
        last = j;
        if (s[j]!.score < lowest.score) lowest = s[j]!;
      }
      const repaired = repairAt >= 0;
      const seriesEnd = s[s.length - 1]!.session;
      episodes.push({
        client,
        rupture: { session: start.session, score: start.score },
        baseline: fromMean && fromPrev ? 'both' : fromMean ? 'mean' : 'previous',
        preLevel,
        drop: preLevel - start.score,
        lowest: { session: lowest.session, score: lowest.score },
        depth: preLevel - lowest.score,
        repaired,
        repair: repaired ? { session: s[repairAt]!.session, score: s[repairAt]!.score } : null,
        length: last - t + 1,
        censored: !repaired && seriesEnd - start.session < window,
      });
      found++;
      if (repaired) repairedCount++;
      // The repair session closes the episode; an unrepaired one closes with its window.
      t = repaired ? repairAt + 1 : last + 1;
    }
    clients.push({ client, sessions: s.length, mean, sd, episodes: found, repaired: repairedCount, skipped: null });
  });

  const screened = clients.filter((c) => c.skipped === null).length;
  const criterion = k === 1 ? 'Strauss-like (k = 1)' : k === 2 ? 'Stiles-like (k = 2)' : `k = ${k}`;
  return {
    episodes,
    clients,
    summary: {
      clients: clients.length,
      screened,
      clientsWithRupture: clients.filter((c) => c.episodes > 0).length,
      episodes: episodes.length,
      repaired: episodes.filter((e) => e.repaired).length,
      unrepaired: episodes.filter((e) => !e.repaired).length,
      censored: episodes.filter((e) => e.censored).length,
    },
    rules: {
      k,
      criterion,
      baseline,
      window,
      sd: sdSource,
      pooledWithinSd: pooled.aroundMean,
      reliableChange: { threshold: rcThreshold, sdiff, source: rcSource },
      minSessions,
      ...(pooled.aroundMean === null
        ? { reasons: { pooledWithinSd: 'no client has two or more sessions, so there is no within-client SD' } }
        : {}),
    },
    method:
      `rupture at a session whose score falls at least ${k} within-client SD (${sdSource === 'client' ? "the client's own SD" : 'pooled within-client SD'}) below ` +
      `${baseline === 'mean' ? "the client's mean" : baseline === 'previous' ? 'the previous session' : "the client's mean or the previous session"}, ` +
      `by more than the reliable-change threshold ${rcThreshold.toPrecision(4)}; repaired when a score within ${window} session(s) returns to the pre-rupture level`,
  };
}

/** Two scores for one client and session: the series is ambiguous. */
export class DuplicateSessionError extends RangeError {
  constructor(
    readonly client: string,
    readonly session: number,
    readonly firstIndex: number,
    readonly index: number,
  ) {
    super(`client "${client}" has session ${session} twice`);
    this.name = 'DuplicateSessionError';
  }
}
