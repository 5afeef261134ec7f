import { describe, expect, it } from 'vitest';
import { UtteranceCoder, WeightsFile } from './coder';
import { prepare } from './features';
import { type Coded, DEFAULT_TRAIN, fitHeads, foldsByTranscript, type Transcript, unpunctuatedCopy } from './train';

const transcript = (id: string, k: number): Transcript => {
  const utterances: Coded[] = [
    { id: '0', role: 'therapist', text: `What brings you in today, number ${k}?`, code: 'question', subcode: 'open' },
    { id: '1', role: 'client', text: 'I want to cut down on drinking.', code: 'change', subcode: null },
    { id: '2', role: 'therapist', text: 'It sounds like you want to cut down.', code: 'reflection', subcode: 'simple' },
    { id: '3', role: 'client', text: 'Yeah.', code: 'neutral', subcode: null },
    {
      id: '4',
      role: 'therapist',
      text: 'Here is some information about alcohol.',
      code: 'input',
      subcode: 'information',
    },
    { id: '5', role: 'client', text: 'I like drinking, it relaxes me.', code: 'sustain', subcode: null },
    { id: '6', role: 'therapist', text: 'Hello.', code: 'other', subcode: null },
  ];
  return { id, quality: 'high', utterances, prepared: utterances.map((u) => prepare(u.role, u.text)) };
};

describe('coder training', () => {
  it('puts every transcript in exactly one fold, the same for the same seed', () => {
    const ids = Array.from({ length: 23 }, (_, i) => `t${i}`);
    const a = foldsByTranscript(ids, 5, 7);
    expect([...a.keys()].sort()).toEqual([...ids].sort());
    const sizes = [0, 1, 2, 3, 4].map((f) => [...a.values()].filter((x) => x === f).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(foldsByTranscript(ids, 5, 7)).toEqual(a);
    expect(foldsByTranscript(ids, 5, 8)).not.toEqual(a);
  });

  it('fits a valid weights file whose coder reproduces the codes it was trained on', () => {
    const file = fitHeads(Array.from({ length: 6 }, (_, i) => transcript(`t${i}`, i)));
    expect(WeightsFile.safeParse(file).success).toBe(true);
    const t = transcript('new', 99);
    const codes = new UtteranceCoder(file, 'test').code(t.utterances);
    expect(codes.map((c) => c?.code)).toEqual(t.utterances.map((u) => u.code));
  });

  it('fits heads for unpunctuated utterances on the transcripts with their punctuation removed', () => {
    const train = Array.from({ length: 6 }, (_, i) => transcript(`t${i}`, i));
    const file = fitHeads(train);
    expect(WeightsFile.safeParse(file).success).toBe(true);
    expect(Object.keys(file.unpunctuated!.therapist.weights)).toContain('bias|');
    // The copies keep the words and the codes and lose every mark the main heads read.
    const copy = unpunctuatedCopy(transcript('new', 99));
    expect(copy.prepared.map((p) => p.words)).toEqual(transcript('new', 99).prepared.map((p) => p.words));
    expect(copy.prepared.some((p) => p.question)).toBe(false);
    const bare = copy.utterances.map((u) => ({ ...u, text: u.text.replace(/[?.,]/g, '') }));
    const codes = new UtteranceCoder(file, 'test').code(bare);
    expect(codes.map((c) => c?.code)).toEqual(bare.map((u) => u.code));
    expect(fitHeads(train, { ...DEFAULT_TRAIN, unpunctuated: false }).unpunctuated).toBeUndefined();
  });
});
