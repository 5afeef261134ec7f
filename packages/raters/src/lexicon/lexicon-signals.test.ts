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

  it('leaves a long-turn share undefined below minTurns, so one long reply sets no pace', () => {
    const long = 'I hear how much this weighs on you and I want to say a few things about it. '.repeat(4);
    const monologue = (minTurns: number | undefined) => (f: { measures: object[]; signals: object[] }) => {
      f.measures.push({
        id: 'long-turns',
        kind: 'long-turn-share',
        speaker: 'therapist',
        minWords: 60,
        ...(minTurns === undefined ? {} : { minTurns }),
        description: 'd',
      });
      f.signals.push({
        domain: 'session-flow',
        subSignal: 'pacing',
        direction: 'concern',
        measure: 'long-turns',
        from: 0,
        full: 1,
        note: 'n',
      });
    };
    const reply = [
      { id: 'p', role: 'client' as const, text: 'I lost my job and I feel like a failure.' },
      { id: 'r', role: 'therapist' as const, text: long },
    ];
    expect(find(signals(monologue(undefined), reply), 'pacing', 'concern')!.strength).toBe(1);
    expect(find(signals(monologue(3), reply), 'pacing', 'concern')).toBeUndefined();
    // Three therapist turns, one of them long: a third of them.
    const session = [
      ...reply,
      { id: 'c', role: 'client' as const, text: 'Mm.' },
      { id: 't2', role: 'therapist' as const, text: 'Go on.' },
      { id: 't3', role: 'therapist' as const, text: 'Take your time.' },
    ];
    const pacing = find(signals(monologue(3), session), 'pacing', 'concern')!;
    expect(pacing.strength).toBe(0.333);
    expect(pacing.evidence[0]).toBe('r');
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
