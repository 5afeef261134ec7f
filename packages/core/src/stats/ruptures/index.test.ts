import { builtinDefinitions } from '@alliance-lab/instruments';
import { describe, expect, it } from 'vitest';
import { DuplicateSessionError, ruptures, srsAlerts } from './index';

// Four clients: A dips at session 4 and recovers at 6; B drops at 4 and stays low to the end of its series;
// C has two sessions; D never varies. Reference values from R 4.2:
//   sd(A) = 4.22365785952, sd(B) = 4.62240918425, mean(A) = 48.875
//   pooled residual SD around each client's lm(score ~ session), clients with >= 3 sessions: 3.76015220287
//   1.96 * sqrt(2) * 3.76015220287 = 10.42261015409; 1.96 * sqrt(2) * 5 * sqrt(1 - .9) = 4.38269323590
//   pooled within-client SD around client means (df 7 + 5 + 1 + 2): 3.93029543702
const A = [50, 52, 51, 40, 45, 52, 51, 50];
const B = [30, 31, 30, 22, 21, 23];
const series = {
  subject: [...A.map(() => 'A'), ...B.map(() => 'B'), 'C', 'C', 'D', 'D', 'D'],
  session: [...A.map((_, i) => i + 1), ...B.map((_, i) => i + 1), 1, 2, 1, 2, 3],
  value: [...A, ...B, 40, 40, 45, 45, 45],
};
const supplied = { sd: 5, reliability: 0.9 };

describe('rupture–repair episodes', () => {
  it('k = 1 with a supplied RC threshold: a repaired V in A, an unrepaired censored drop in B', () => {
    const res = ruptures(series, { k: 1, reliableChange: supplied });
    expect(res.rules.reliableChange.threshold).toBeCloseTo(4.3826932359, 9);
    expect(res.rules.criterion).toBe('Strauss-like (k = 1)');
    expect(res.episodes).toEqual([
      {
        client: 'A',
        rupture: { session: 4, score: 40 },
        baseline: 'both',
        preLevel: 51,
        drop: 11,
        lowest: { session: 4, score: 40 },
        depth: 11,
        repaired: true,
        repair: { session: 6, score: 52 },
        length: 2,
        censored: false,
      },
      {
        client: 'B',
        rupture: { session: 4, score: 22 },
        baseline: 'previous',
        preLevel: 30,
        drop: 8,
        lowest: { session: 5, score: 21 },
        depth: 9,
        repaired: false,
        repair: null,
        length: 3,
        censored: true,
      },
    ]);
    const a = res.clients.find((c) => c.client === 'A')!;
    expect(a.sd).toBeCloseTo(4.22365785952, 10);
    expect(res.clients.find((c) => c.client === 'C')!.skipped).toMatch(/fewer than 3/);
    expect(res.clients.find((c) => c.client === 'D')!.skipped).toMatch(/do not vary/);
    expect(res.summary).toEqual({
      clients: 4,
      screened: 2,
      clientsWithRupture: 2,
      episodes: 2,
      repaired: 1,
      unrepaired: 1,
      censored: 1,
    });
    expect(res.rules.pooledWithinSd).toBeCloseTo(3.93029543702, 10);
  });

  it('Stiles-like k = 2 from the mean: only A qualifies, repaired when it returns to its mean', () => {
    const res = ruptures(series, { k: 2, baseline: 'mean', reliableChange: supplied });
    expect(res.rules.criterion).toBe('Stiles-like (k = 2)');
    expect(res.episodes).toHaveLength(1);
    expect(res.episodes[0]).toMatchObject({
      client: 'A',
      baseline: 'mean',
      preLevel: 48.875,
      repair: { session: 6, score: 52 },
    });
  });

  it('defaults to the within-client residual SD for reliable change, which only A’s 11-point fall exceeds', () => {
    const res = ruptures(series);
    expect(res.rules.reliableChange.threshold).toBeCloseTo(10.42261015409, 9);
    expect(res.rules.reliableChange.source).toMatch(/residual SD/);
    expect(res.episodes.map((e) => [e.client, e.baseline, e.preLevel])).toEqual([['A', 'previous', 51]]);
  });

  it('a window too short for the recovery leaves the episode unrepaired', () => {
    const res = ruptures(series, { reliableChange: supplied, window: 1 });
    expect(res.episodes[0]).toMatchObject({ client: 'A', repaired: false, length: 2, censored: false });
  });

  it('refuses a repeated session', () => {
    expect(() => ruptures({ subject: ['a', 'a', 'a'], session: [1, 2, 2], value: [1, 2, 3] })).toThrow(
      DuplicateSessionError,
    );
  });
});

describe('SRS alert rule set', () => {
  const srs = builtinDefinitions().find((d) => d.id === 'srs')!;

  it('flags totals below 36 and drops from the previous session, per session', () => {
    const res = srsAlerts(
      { subject: ['x', 'x', 'x', 'x', 'x'], session: [1, 2, 3, 4, 5], value: [38, 35, 36, 34, 34] },
      { definition: srs },
    );
    expect(res.ruleSet).toBe('srs-alerts');
    expect(res.alerts.map((a) => [a.session, a.previous, a.alerts.map((x) => x.kind)])).toEqual([
      [2, 38, ['below', 'drop']],
      [4, 36, ['below', 'drop']],
      [5, 34, ['below']],
    ]);
    expect(res.summary).toEqual({ clients: 1, sessions: 5, flaggedSessions: 3, below: 3, drop: 2 });
    expect(res.rules.map((r) => r.kind)).toEqual(['below', 'drop']);
  });

  it('takes a study cut-off, inequality and minimum drop', () => {
    const res = srsAlerts(
      { subject: ['x', 'x'], session: [1, 2], value: [37, 36] },
      { definition: srs, cutoff: 36, inequality: '<=', minDrop: 2 },
    );
    expect(res.alerts).toEqual([
      {
        client: 'x',
        session: 2,
        score: 36,
        previous: 37,
        alerts: [{ kind: 'below', message: 'total 36 is <= the cut-off 36' }],
      },
    ]);
  });
});
