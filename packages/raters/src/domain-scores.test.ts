import { describe, expect, it } from 'vitest';
import { domainScores, subSignalScores } from './domain-scores';
import type { Signal } from './result-schema';

const s = (domain: Signal['domain'], subSignal: string, direction: Signal['direction'], strength: number): Signal => ({
  domain,
  subSignal,
  direction,
  strength,
  evidence: ['u1'],
  quote: 'q',
});

describe('subSignalScores', () => {
  it('nets strengths against concerns per sub-signal, clipped to [-1, 1], ignoring neutral signals', () => {
    const net = subSignalScores([
      s('relationship-quality', 'empathy', 'strength', 0.7),
      s('relationship-quality', 'empathy', 'concern', 0.2),
      s('collaboration-goals', 'autonomy', 'strength', 0.8),
      s('collaboration-goals', 'autonomy', 'strength', 0.9),
      s('process-in-action', 'engagement', 'concern', 0.6),
      s('session-flow', 'pacing', 'neutral', 1),
    ]);
    expect(net.get('relationship-quality/empathy')).toBeCloseTo(0.5, 12);
    expect(net.get('collaboration-goals/autonomy')).toBe(1);
    expect(net.get('process-in-action/engagement')).toBe(-0.6);
    expect(net.has('session-flow/pacing')).toBe(false);
  });
});

describe('domainScores', () => {
  it("averages a domain's sub-signals, counting absent ones as no evidence", () => {
    const d = domainScores([
      s('relationship-quality', 'empathy', 'strength', 0.6),
      s('relationship-quality', 'trust', 'concern', 0.3),
    ]);
    // Six relationship-quality sub-signals: (0.6 - 0.3) / 6.
    expect(d['relationship-quality']).toBeCloseTo(0.05, 12);
    expect(d['collaboration-goals']).toBe(0);
    expect(Object.keys(d)).toHaveLength(5);
  });
});
