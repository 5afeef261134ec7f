import { describe, expect, it } from 'vitest';
import { unexplainedValues } from '../reasons';
import { mitiSummary } from '.';

const c = (code: string, subcode: string | null = null) => ({ code, subcode });

describe('MITI-style summaries', () => {
  it('counts behaviours and gives R:Q, %CR, %OQ and change-talk share as proportions', () => {
    const s = mitiSummary([
      c('reflection', 'complex'),
      c('reflection', 'simple'),
      c('reflection', 'simple'),
      c('question', 'open'),
      c('question', 'closed'),
      c('input', 'advice'),
      c('other'),
      c('change'),
      c('change'),
      c('change'),
      c('sustain'),
      c('neutral'),
    ]);
    expect(s).toEqual({
      therapistUtterances: 7,
      reflections: 3,
      complexReflections: 1,
      questions: 2,
      openQuestions: 1,
      input: 1,
      other: 1,
      clientUtterances: 5,
      changeTalk: 3,
      sustainTalk: 1,
      neutralTalk: 1,
      reflectionToQuestion: 1.5,
      complexReflectionShare: 1 / 3,
      openQuestionShare: 0.5,
      changeTalkShare: 0.75,
    });
  });

  it('leaves a ratio with nothing to divide by null, with its reason, instead of 0 or Infinity', () => {
    const s = mitiSummary([c('reflection', 'simple'), c('neutral')]);
    expect(s.reflectionToQuestion).toBeNull();
    expect(s.openQuestionShare).toBeNull();
    expect(s.changeTalkShare).toBeNull();
    expect(s.complexReflectionShare).toBe(0);
    expect(s.reasons).toEqual({
      reflectionToQuestion: 'no questions coded',
      openQuestionShare: 'no questions coded',
      changeTalkShare: 'no change or sustain talk coded',
    });
    expect(unexplainedValues(s)).toEqual([]);
    const empty = mitiSummary([]);
    expect(empty.reflectionToQuestion).toBeNull();
    expect(unexplainedValues(empty)).toEqual([]);
    expect(empty.reasons?.complexReflectionShare).toBe('no reflections coded');
  });

  it('counts a code given with n as n utterances of it', () => {
    const one = (code: string, subcode: string | null, n: number) => Array.from({ length: n }, () => c(code, subcode));
    const expanded = [...one('reflection', 'complex', 3), ...one('question', 'open', 2), ...one('sustain', null, 4)];
    expect(
      mitiSummary([
        { code: 'reflection', subcode: 'complex', n: 3 },
        { code: 'question', subcode: 'open', n: 2 },
        { code: 'sustain', subcode: null, n: 4 },
      ]),
    ).toEqual(mitiSummary(expanded));
  });

  it('refuses a code it does not know', () => {
    expect(() => mitiSummary([c('reflexion')])).toThrow(/not an utterance code: "reflexion"/);
  });
});
