import { describe, expect, it } from 'vitest';
import { analyse } from './analyse';
import { lexiconSignals, turns } from './lexicon-signals';
import { TEST_SESSION, testMarkerSet } from './test-markers';

const signals = (edit?: Parameters<typeof testMarkerSet>[0], session = TEST_SESSION) => {
  const set = testMarkerSet(edit);
  return lexiconSignals(set, analyse(set, session));
};
const find = (list: ReturnType<typeof signals>, sub: string, direction: string) =>
  list.find((s) => s.subSignal === sub && s.direction === direction);

describe('lexiconSignals', () => {
  it('rates a marker signal as the share of the speaker turns showing it, over `full`', () => {
    // Empathy: reflection in u5 and a you-opening in u11, 2 of 6 therapist turns = 0.333; full 0.5 -> 0.667.
    const empathy = find(signals(), 'empathy', 'strength')!;
    expect(empathy.strength).toBe(0.667);
    expect(empathy.evidence).toEqual(['u5', 'u11']);
    // Change talk in 1 of 5 client turns = 0.2; full 0.25 -> 0.8.
    expect(find(signals(), 'goal-agreement', 'strength')!.strength).toBe(0.8);
  });

  it('caps strength at 1', () => {
    // Withdrawal markers in u2, u4, u10: 3 of 5 client turns = 0.6 over full 0.5.
    const concern = find(signals(), 'engagement', 'concern')!;
    expect(concern.strength).toBe(1);
    expect(concern.evidence).toEqual(['u2', 'u4', 'u10']);
  });

  it('quotes verbatim from the first cited utterance, from the match to the end of its sentence', () => {
    const empathy = find(signals(), 'empathy', 'strength')!;
    expect(empathy.quote).toBe('It sounds like this is hard');
    expect(TEST_SESSION.find((u) => u.id === empathy.evidence[0])!.text).toContain(empathy.quote);
  });

  it('rates a measure linearly between from and full and cites the utterances that drive it', () => {
    // Mean client turn: (1 + 3 + 16 + 6 + 2) / 5 = 5.6 words; from 2, full 12 -> 0.36.
    const e = find(signals(), 'engagement', 'strength')!;
    expect(e.strength).toBe(0.36);
    expect(e.evidence).toEqual(['u4', 'u6', 'u8']);
    expect(e.quote).toBe('I want to sort things out with my family but it is hard to');
  });

  it('emits nothing for a sub-signal whose markers never fire', () => {
    const quiet = signals(undefined, [
      { id: 'a', role: 'therapist', text: 'Good morning.' },
      { id: 'b', role: 'client', text: 'Morning.' },
    ]);
    expect(find(quiet, 'empathy', 'strength')).toBeUndefined();
    expect(find(quiet, 'goal-agreement', 'strength')).toBeUndefined();
  });

  it('averages definitions that feed the same sub-signal and direction, and unions their evidence', () => {
    const list = signals((f) => {
      f.signals.push({
        domain: 'relationship-quality',
        subSignal: 'empathy',
        direction: 'strength',
        markers: ['meta'],
        per: 'therapist',
        full: 1,
        note: 'n',
      });
    });
    const empathy = list.filter((s) => s.subSignal === 'empathy' && s.direction === 'strength');
    expect(empathy).toHaveLength(1);
    // (0.667 + 1/6) / 2, rounded.
    expect(empathy[0]!.strength).toBe(0.417);
    expect(empathy[0]!.evidence).toEqual(['u5', 'u11']);
  });

  it('counts a client story told across therapist backchannels as one turn', () => {
    const set = testMarkerSet();
    const a = analyse(set, [
      { id: 'a', role: 'client', text: 'So last week I went back to the job centre' },
      { id: 'b', role: 'therapist', text: 'Okay.' },
      { id: 'c', role: 'client', text: 'and they said there was nothing.' },
      { id: 'd', role: 'therapist', text: 'That sounds discouraging.' },
      { id: 'e', role: 'client', text: 'It was.' },
    ]);
    expect(turns(a, 'client')).toEqual([
      { first: 0, words: 16 },
      { first: 4, words: 2 },
    ]);
  });
});
