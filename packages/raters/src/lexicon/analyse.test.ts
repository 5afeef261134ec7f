import { describe, expect, it } from 'vitest';
import { loadCoder, type UtteranceCode } from '../coder/coder';
import { PreparedWindow, prepare } from '../coder/features';
import { AnalysisRun, analyse } from './analyse';
import { loadMarkerFile } from './marker-file';
import { compileMarkers } from './marker-set';
import { TEST_SESSION, testMarkerSet } from './test-markers';

const fired = (id: string, edit?: Parameters<typeof testMarkerSet>[0]) => {
  const set = testMarkerSet(edit);
  const a = analyse(set, TEST_SESSION);
  return a.fired[set.markerIndex(id)]!.utt.map((i) => TEST_SESSION[i]!.id);
};

describe('analyse', () => {
  it('counts a statement-only marker in statements and not in questions', () => {
    // u9 "What do you feel about that?" has "you feel" but asks.
    expect(fired('reflection')).toEqual(['u5']);
  });

  it('anchors an opening marker after fillers, and an "unless" phrase vetoes it', () => {
    // u11 opens with "Okay, you know," then "you"; u7 opens with "You need to", which is vetoed.
    expect(fired('opening')).toEqual(['u11']);
    expect(fired('opening', (f) => (f.markers[1]!.unless = []))).toEqual(['u7', 'u11']);
  });

  it('keeps a question marker within its first words', () => {
    // u1's "what" is the third word ("Okay, so what"), beyond within: 2.
    expect(fired('open-q')).toEqual(['u3', 'u9']);
    expect(fired('open-q', (f) => (f.markers[2]!.within = 3))).toEqual(['u1', 'u3', 'u9']);
  });

  it('fires a whole-utterance marker only on answers to a question made of nothing else', () => {
    expect(fired('minimal')).toEqual(['u2', 'u10']);
    expect(fired('minimal', (f) => (f.markers[3]!.phrases = ['yeah']))).toEqual(['u2']);
  });

  it('respects maxWords', () => {
    expect(fired('dont-know')).toEqual(['u4']);
    expect(fired('dont-know', (f) => (f.markers[4]!.maxWords = 2))).toEqual([]);
  });

  it('records the span of the first match, so quotes can be cut from it', () => {
    const set = testMarkerSet();
    const a = analyse(set, TEST_SESSION);
    const f = a.fired[set.markerIndex('reflection')]!;
    expect(TEST_SESSION[4]!.text.slice(f.from[0], f.to[0])).toBe('It sounds like');
  });

  it('marks filler-only utterances as backchannels and counts words', () => {
    const a = analyse(testMarkerSet(), [
      { id: 'a', role: 'therapist', text: 'Okay, so.' },
      { id: 'b', role: 'client', text: 'I went home early.' },
    ]);
    expect(a.backchannel).toEqual([true, false]);
    expect(a.words).toEqual([2, 4]);
  });
});

describe('markers on what the other speaker said before', () => {
  const utterances = [
    { id: 'a', role: 'therapist' as const, text: 'You feel let down by them.' },
    { id: 'b', role: 'client' as const, text: 'Yes, and it has been like that since I was a kid at home.' },
    { id: 'c', role: 'therapist' as const, text: 'How long has it been?' },
    { id: 'd', role: 'client' as const, text: 'Since I was a kid, years and years of it at home.' },
    { id: 'e', role: 'therapist' as const, text: 'It hurts.' },
    { id: 'f', role: 'client' as const, text: 'Yes.' },
  ];
  const code = (role: 'therapist' | 'client', c: UtteranceCode['code'], id: string): UtteranceCode => ({
    utteranceId: id,
    role,
    code: c,
    subcode: null,
    probability: 0.9,
  });
  const codes = [
    code('therapist', 'reflection', 'a'),
    code('client', 'neutral', 'b'),
    code('therapist', 'question', 'c'),
    code('client', 'neutral', 'd'),
    code('therapist', 'reflection', 'e'),
    code('client', 'neutral', 'f'),
  ];
  const set = testMarkerSet((f) => {
    (f.markers as unknown[]).push({
      id: 'elaboration',
      label: 'elaboration',
      speaker: 'client',
      description: 'd',
      codes: ['neutral'],
      after: 'reflection',
      minWords: 6,
    });
  });

  it('fires a coded marker only after a coded reflection, and only on a turn of minWords or more', () => {
    const a = analyse(set, utterances, codes);
    // d answers a question, f is too short; b answers a reflection at length.
    expect(a.fired[set.markerIndex('elaboration')]!.utt).toEqual([1]);
    // Without codes before it (the coder says nothing), no utterance counts as following a reflection.
    const uncoded = codes.map((c, i) => (i === 0 || i === 4 ? null : c));
    expect(analyse(set, utterances, uncoded).fired[set.markerIndex('elaboration')]!.utt).toEqual([]);
  });
});

describe('analyse with the coder’s tokens', () => {
  it('gives the same analysis from tokens made once for the coder as from tokenising again', () => {
    const set = testMarkerSet();
    const prepared = TEST_SESSION.map((u) => prepare(u.role, u.text));
    const shared = analyse(set, TEST_SESSION, null, prepared);
    expect(shared).toEqual(analyse(set, TEST_SESSION));
    // The tokens are read, not re-made: different tokens give a different analysis.
    const swapped = prepared.map((_, i) => prepared[(i + 1) % prepared.length]!);
    expect(analyse(set, TEST_SESSION, null, swapped).fired).not.toEqual(shared.fired);
  });
});

describe('coding and analysing in one pass', () => {
  it('gives the analysis of coding the whole transcript first and analysing it after', () => {
    const set = compileMarkers(loadMarkerFile());
    const coder = loadCoder();
    const prepared = TEST_SESSION.map((u) => prepare(u.role, u.text));
    const twoPass = analyse(set, TEST_SESSION, coder.codePrepared(TEST_SESSION, prepared), prepared);
    const window = new PreparedWindow(TEST_SESSION);
    const run = new AnalysisRun(set, TEST_SESSION, null);
    const order: number[] = [];
    coder.codePrepared(TEST_SESSION, window, (i, codes) => {
      order.push(i);
      run.step(i, window.at(i)!.tokens, codes);
    });
    expect(order).toEqual(TEST_SESSION.map((_, i) => i));
    expect(run.result()).toEqual(twoPass);
    expect(twoPass.codes!.some((c) => c !== null)).toBe(true);
  });

  it('prepares a position the window has let go of again, the same as before', () => {
    const window = new PreparedWindow(TEST_SESSION);
    const first = window.at(0);
    for (let i = 1; i < TEST_SESSION.length; i++) window.at(i);
    expect(TEST_SESSION.length).toBeGreaterThan(8);
    expect(window.at(0)).not.toBe(first);
    expect(window.at(0)).toEqual(first);
    expect(window.at(-1)).toBeUndefined();
    expect(window.at(TEST_SESSION.length)).toBeUndefined();
  });
});
