import { loadRegistry } from '@alliance-lab/instruments';
import { describe, expect, it } from 'vitest';
import { domainScores } from '../domain-scores';
import type { RatableUtterance } from '../rater';
import { loadMarkerFile } from './marker-file';
import { compileMarkers } from './marker-set';
import { rateWithLexicon } from './rate-lexicon';

const set = compileMarkers(loadMarkerFile());
const wai = loadRegistry().view('wai-o-s', 'observer');
const T = 'therapist' as const;
const C = 'client' as const;
const rate = (u: RatableUtterance[]) => rateWithLexicon(set, u, [wai]);
const find = (o: ReturnType<typeof rate>, sub: string, direction = 'strength') =>
  o.signals.find((s) => s.subSignal === sub && s.direction === direction);

describe('the shipped marker file', () => {
  it('reads the client side: thanks and feeling understood are bond evidence, citing the utterance', () => {
    const o = rate([
      { id: 'u1', role: C, text: 'I have been so lonely since the move.' },
      { id: 'u2', role: T, text: 'It sounds like the move took away the people you leaned on.' },
      { id: 'u3', role: C, text: 'Yes, exactly. Thank you, you really get it.' },
    ]);
    const trust = find(o, 'trust');
    expect(trust?.evidence).toContain('u3');
    const without = rate([
      { id: 'u1', role: C, text: 'I have been so lonely since the move.' },
      { id: 'u2', role: T, text: 'It sounds like the move took away the people you leaned on.' },
      { id: 'u3', role: C, text: 'Not really, that is not what I meant.' },
    ]);
    expect(find(without, 'trust', 'concern')?.evidence).toEqual(['u3']);
    expect(domainScores(o.signals)['relationship-quality']).toBeGreaterThan(
      domainScores(without.signals)['relationship-quality'],
    );
  });

  it('scores a single post and response rather than leaving it at zero', () => {
    const o = rate([
      { id: 'post', role: C, text: 'My dog died yesterday and I cannot stop crying.' },
      {
        id: 'response',
        role: T,
        text: "I'm so sorry. I went through the same thing last year and I know how much it hurts. How are you holding up?",
      },
    ]);
    expect(domainScores(o.signals)['relationship-quality']).toBeGreaterThan(0.2);
    const curt = rate([
      { id: 'post', role: C, text: 'My dog died yesterday and I cannot stop crying.' },
      { id: 'response', role: T, text: 'Get a new one.' },
    ]);
    expect(domainScores(o.signals)['relationship-quality']).toBeGreaterThan(
      domainScores(curt.signals)['relationship-quality'],
    );
  });

  it('does not penalise asking, and presumes no talk ratio', () => {
    const o = rate([
      { id: 'u1', role: C, text: 'Work has been a lot lately.' },
      { id: 'u2', role: T, text: 'What has been the hardest part for you?' },
      { id: 'u3', role: C, text: 'The evenings.' },
      { id: 'u4', role: T, text: 'How do you feel when the evening comes?' },
      { id: 'u5', role: C, text: 'Empty.' },
      { id: 'u6', role: T, text: 'What do you usually do then?' },
    ]);
    expect(o.signals.filter((s) => s.direction === 'concern' && s.domain === 'relationship-quality')).toEqual([]);
    expect(find(o, 'attunement')?.evidence).toEqual(expect.arrayContaining(['u2', 'u4']));
    expect(set.file.signals.some((s) => 'measure' in s && s.measure === 'client-share')).toBe(false);
  });

  it("turns the coder's codes into MITI summaries with their evidence utterances", () => {
    const o = rate([
      { id: 'u1', role: T, text: 'What would you like to talk about today?' },
      { id: 'u2', role: C, text: 'My smoking. I want to quit before the baby comes.' },
      { id: 'u3', role: T, text: 'You want to be smoke-free for your baby, and that matters a great deal to you.' },
      { id: 'u4', role: C, text: 'It does. I am going to throw the cigarettes out this week.' },
      { id: 'u5', role: T, text: 'So you have already decided on a first step.' },
    ]);
    const coded = set.markerIndex('coded-reflection');
    const a = o.signals.find((s) => s.subSignal === 'attunement' && s.direction === 'strength')!;
    expect(a.evidence).toEqual(expect.arrayContaining(['u3']));
    const goal = o.signals.find((s) => s.subSignal === 'goal-agreement')!;
    expect(goal.evidence).toEqual(expect.arrayContaining(['u2', 'u4']));
    expect(coded).toBeGreaterThanOrEqual(0);
    const forms = o.forms as Array<(typeof o.forms)[number] & { continuous?: boolean }>;
    expect(forms[0]!.continuous).toBe(true);
  });
});
