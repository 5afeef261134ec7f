import { describe, expect, it } from 'vitest';
import type { RatableTranscript } from '../rater';
import type { RaterOutput } from '../result-schema';
import { aggregateWindows, chunkWindows } from './chunk';

describe('chunkWindows', () => {
  it('covers every utterance with windows under the budget, overlapping by the given count', () => {
    const tokens = Array.from({ length: 20 }, () => 10);
    const windows = chunkWindows(tokens, 50, 2, () => true);
    expect(windows).toEqual([
      { start: 0, end: 5 },
      { start: 3, end: 8 },
      { start: 6, end: 11 },
      { start: 9, end: 14 },
      { start: 12, end: 17 },
      { start: 15, end: 20 },
    ]);
  });

  it('rebuilds with a smaller guide when the real prompt estimate does not fit', () => {
    const tokens = Array.from({ length: 10 }, () => 10);
    // The real prompt costs more than the per-utterance sum: at most 3 utterances fit.
    const windows = chunkWindows(tokens, 50, 1, (w) => w.end - w.start <= 3);
    expect(Array.isArray(windows)).toBe(true);
    for (const w of windows as { start: number; end: number }[]) expect(w.end - w.start).toBeLessThanOrEqual(3);
    expect((windows as { end: number }[]).at(-1)!.end).toBe(10);
  });

  it('reports an utterance that alone does not fit', () => {
    expect(chunkWindows([10, 500, 10], 100, 0, (w) => !(w.start <= 1 && w.end > 1))).toEqual({ tooLong: 1 });
  });

  it('moves forward even when the overlap is as large as a window', () => {
    const windows = chunkWindows([10, 10, 10, 10], 20, 5, () => true) as { start: number; end: number }[];
    expect(windows.at(-1)!.end).toBe(4);
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.start).toBeGreaterThan(windows[i - 1]!.start);
  });
});

describe('aggregateWindows', () => {
  const t: RatableTranscript = {
    sessionId: 'C01/1',
    transcriptId: 'C01/1/v1',
    contentHash: 'h',
    utterances: ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'].map((id) => ({ id, role: 'client' as const, text: `text ${id}` })),
  };
  const item = (item: string, value: number, evidence: string[], rationale = `r${value}`) => ({
    item,
    value,
    rationale,
    evidence,
  });
  const a: RaterOutput = {
    forms: [{ instrument: 'wai-o-s', form: 'observer', items: [item('1', 4, ['u3']), item('2', 6, ['u2'])] }],
    signals: [
      {
        domain: 'relationship-quality',
        subSignal: 'empathy',
        direction: 'strength',
        strength: 0.4,
        evidence: ['u3'],
        quote: 'Text  u3',
      },
    ],
    ruptures: [
      {
        marker: 'withdrawal',
        markerType: 'minimal response',
        startUtterance: 'u3',
        endUtterance: 'u4',
        resolution: null,
        resolved: false,
      },
    ],
  };
  const b: RaterOutput = {
    forms: [{ instrument: 'wai-o-s', form: 'observer', items: [item('1', 6, ['u4', 'u3']), item('3', 2, [])] }],
    signals: [
      {
        domain: 'relationship-quality',
        subSignal: 'empathy',
        direction: 'strength',
        strength: 0.7,
        evidence: ['u4'],
        quote: 'text u3',
      },
      {
        domain: 'collaboration-goals',
        subSignal: 'goal-agreement',
        direction: 'strength',
        strength: 0.5,
        evidence: ['u6'],
        quote: 'text u6',
      },
    ],
    ruptures: [
      {
        marker: 'withdrawal',
        markerType: 'minimal response',
        startUtterance: 'u3',
        endUtterance: 'u4',
        resolution: { strategy: 'metacommunication', utterance: 'u5' },
        resolved: true,
      },
      {
        marker: 'confrontation',
        markerType: 'complaint',
        startUtterance: 'u1',
        endUtterance: 'u1',
        resolution: null,
        resolved: false,
      },
    ],
  };

  it('averages item values, unions evidence in transcript order, and keeps items only one window rated', () => {
    const out = aggregateWindows([a, b], t);
    expect(out.forms).toHaveLength(1);
    const items = out.forms[0]!.items;
    expect(items.map((i) => [i.item, i.value])).toEqual([
      ['1', 5],
      ['2', 6],
      ['3', 2],
    ]);
    expect(items[0]!.evidence).toEqual(['u3', 'u4']);
    expect(items[0]!.rationale).toBe('r4 / r6');
  });

  it("rounds the mean to the scale's precision", () => {
    const c: RaterOutput = {
      forms: [{ instrument: 'srs', form: 'client', items: [item('1', 6, []), item('2', 3, [])] }],
      signals: [],
      ruptures: [],
    };
    const d: RaterOutput = {
      forms: [{ instrument: 'srs', form: 'client', items: [item('1', 7, []), item('2', 4, [])] }],
      signals: [],
      ruptures: [],
    };
    const e: RaterOutput = {
      forms: [{ instrument: 'srs', form: 'client', items: [item('1', 7, []), item('2', 4, [])] }],
      signals: [],
      ruptures: [],
    };
    expect(aggregateWindows([c, d, e], t).forms[0]!.items.map((i) => i.value)).toEqual([7, 4]);
    expect(aggregateWindows([c, d, e], t, () => 1).forms[0]!.items.map((i) => i.value)).toEqual([6.7, 3.7]);
  });

  it('merges a signal both windows found (same quote up to case and spacing) and a rupture over the same range', () => {
    const out = aggregateWindows([a, b], t);
    expect(out.signals).toHaveLength(2);
    expect(out.signals[0]).toMatchObject({ subSignal: 'empathy', strength: 0.7, evidence: ['u3', 'u4'] });
    expect(out.ruptures).toHaveLength(2);
    expect(out.ruptures[0]).toMatchObject({ marker: 'confrontation', startUtterance: 'u1' });
    expect(out.ruptures[1]).toMatchObject({
      marker: 'withdrawal',
      resolved: true,
      resolution: { strategy: 'metacommunication', utterance: 'u5' },
    });
  });
});
