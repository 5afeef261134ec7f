import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHTS_FILE, loadCoder, SUBCODES, UtteranceCoder, type WeightsFile } from './coder';
import {
  extract,
  FeatureSink,
  featureHash,
  PreparedWindow,
  prepare,
  unpunctuated,
  withoutPunctuation,
} from './features';

const T = 'therapist' as const;
const C = 'client' as const;

describe('utterance coder features', () => {
  it('hashes each feature while coding exactly as its string is hashed in the weights file', () => {
    const all = [
      prepare(C, "I've been drinking more since my wife left. I don't know."),
      prepare(T, 'So you feel lonely since she left? What has that been like for you?'),
      prepare(C, 'Yeah, exactly.'),
    ];
    const training = new FeatureSink(true);
    const coding = new FeatureSink();
    extract(training, all, 1, 'question');
    extract(coding, all, 1, 'question');
    expect(coding.count).toBe(training.strings!.length);
    expect(Array.from(coding.hashes.subarray(0, coding.count))).toEqual(training.strings!.map(featureHash));
    // Context is read: the client's "left" said back, the question openings, the client's "yeah" after.
    expect(training.strings).toEqual(
      expect.arrayContaining(['sq|what', 'sq|so', 'nf1|yeah', 'pcode|question', 'ls|? what', 'pend|.']),
    );
    expect(training.strings!.some((f) => f.startsWith('ov|') && f !== 'ov|0')).toBe(true);
  });

  it('reads a long turn by its sentences: how many, how much of it asks, where the question starts', () => {
    const all = [
      prepare(
        T,
        'Drinking raises blood pressure. It also affects sleep, as a lot of people find. What do you make of that?',
      ),
    ];
    const sink = new FeatureSink(true);
    extract(sink, all, 0, null);
    // Three sentences; the question is 6 of 19 words (2 of 5 parts) and starts after 13 words (bucket 4).
    expect(sink.strings).toEqual(expect.arrayContaining(['ns|3', 'qsh|2', 'pre|4', 'lsl|3']));
    const plain = new FeatureSink(true);
    extract(plain, [prepare(T, 'Drinking raises blood pressure.')], 0, null);
    expect(plain.strings).toContain('ns|1');
    expect(plain.strings!.some((f) => f.startsWith('qsh|') || f.startsWith('pre|'))).toBe(false);
  });

  it("marks a therapist's reflection-of-feeling opening and a feeling word, wherever they stand", () => {
    const features = (text: string) => {
      const sink = new FeatureSink(true);
      extract(sink, [prepare(C, 'I lost my job.'), prepare(T, text)], 1, null);
      return sink.strings!;
    };
    expect(features('Well, that must be really hard for you.')).toEqual(expect.arrayContaining(['emp|1', 'emo|1']));
    expect(features('I can imagine how that went.')).toContain('emp|1');
    expect(features('I can imagine how that went.')).not.toContain('emo|1');
    expect(features('What brings you in today?')).not.toEqual(expect.arrayContaining(['emp|1']));
    expect(features('What brings you in today?').some((f) => f.startsWith('emo|'))).toBe(false);
    // "must" alone, or the phrase's words apart, is not the opening.
    expect(features('You must sign here, and it can be done.')).not.toContain('emp|1');
  });

  it('marks the ways advice and information are put, wherever they stand', () => {
    const features = (text: string) => {
      const sink = new FeatureSink(true);
      extract(sink, [prepare(C, 'I lost my job.'), prepare(T, text)], 1, null);
      return sink.strings!;
    };
    expect(features('Maybe you could try talking to him.')).toContain('inp|1');
    expect(features("Honestly, it's very common after a loss.")).toContain('inp|1');
    expect(features('A lot of people find that.')).toContain('inp|1');
    // "you could" alone, or "could … try" apart, is not advice put as such.
    expect(features('So you could go back to it.')).not.toContain('inp|1');
    expect(features('Could you try it?')).not.toContain('inp|1');
    // The client head does not read it.
    const sink = new FeatureSink(true);
    extract(sink, [prepare(T, 'Go on.'), prepare(C, 'You should see my boss.')], 1, null);
    expect(sink.strings).not.toContain('inp|1');
  });

  it('reads a turn broken off by the other speaker by whether its continuation asks', () => {
    const utterances = [
      { role: T, text: 'And how often would you say you' },
      { role: C, text: 'Mm-hmm.' },
      { role: T, text: 'Not really thinking beyond the next-' },
      { role: C, text: 'Yeah.' },
      { role: T, text: '-kind of minute or so?' },
      { role: C, text: 'I guess so.' },
    ];
    const all = utterances.map((u) => prepare(u.role, u.text));
    const sink = new FeatureSink(true);
    extract(sink, all, 2, 'question');
    expect(sink.strings).toEqual(expect.arrayContaining(['spe|.', 'cont| ', 'nse|- -', 'nsf|?']));
    extract(sink, all, 4, 'question');
    expect(sink.strings).toEqual(expect.arrayContaining(['cont|- -', 'nse|none']));
    expect(sink.strings!.some((f) => f.startsWith('nsf|'))).toBe(false);
    // Coding reads the turns ahead from the window as it would from the whole transcript.
    const coding = new FeatureSink();
    for (let i = 0; i < all.length; i++) {
      extract(sink, all, i, null);
      extract(coding, new PreparedWindow(utterances), i, null);
      expect(Array.from(coding.hashes.subarray(0, coding.count))).toEqual(sink.strings!.map(featureHash));
    }
  });
});

describe('utterances without punctuation', () => {
  it('are utterances with words and no question mark, sentence end, comma, colon or semicolon', () => {
    const bare = (text: string) => unpunctuated(prepare(T, text));
    expect(bare('how long have you felt like this')).toBe(true);
    expect(bare('mm-hmm i see')).toBe(true);
    expect(bare('How long have you felt like this?')).toBe(false);
    expect(bare('okay so how long')).toBe(true);
    expect(bare('okay, so how long')).toBe(false);
    expect(bare('I see.')).toBe(false);
    expect(bare('')).toBe(false);
    expect(withoutPunctuation("So, you're worried? Yes: a lot; really.")).not.toMatch(/[?.,:;]/);
    expect(bare(withoutPunctuation("So, you're worried? Yes: a lot; really."))).toBe(true);
  });

  // Two tiny head sets that disagree on the same features: the main heads call every utterance "other",
  // the unpunctuated heads "question", so the code says which set read the utterance.
  const heads = (therapist: number[]): WeightsFile['heads'] => ({
    therapist: { classes: ['reflection', 'question', 'input', 'other'], weights: { 'bias|': therapist } },
    client: { classes: ['change', 'sustain', 'neutral'], weights: { 'bias|': [0, 0, 1] } },
    reflection: { classes: [...SUBCODES.reflection], weights: {} },
    question: { classes: [...SUBCODES.question], weights: { 'bias|': [1, 0] } },
    input: { classes: [...SUBCODES.input], weights: {} },
  });
  const file = (withBare: boolean): WeightsFile => ({
    version: 'test',
    description: 'test',
    source: { data: 'x', citation: 'x', licence: 'x' },
    evaluation: {},
    heads: heads([0, 0, 0, 2]),
    ...(withBare ? { unpunctuated: heads([0, 3, 0, 0]) } : {}),
  });
  const transcript = [
    { id: 'a', role: C, text: 'my boss yells at me all the time' },
    { id: 'b', role: T, text: 'how long has that been going on' },
    { id: 'c', role: T, text: 'How long has that been going on?' },
    { id: 'd', role: T, text: 'okay, how long' },
  ];

  it('are coded by the heads fitted without punctuation, the rest by the main heads', () => {
    const codes = new UtteranceCoder(file(true), 'x').code(transcript);
    expect(codes.map((c) => c?.code)).toEqual(['neutral', 'question', 'other', 'other']);
    expect(codes[1]!.subcode).toBe('open');
  });

  it('are coded by the main heads when the file has no unpunctuated heads', () => {
    const codes = new UtteranceCoder(file(false), 'x').code(transcript);
    expect(codes.map((c) => c?.code)).toEqual(['neutral', 'other', 'other', 'other']);
  });

  it('are checked in the weights file like the main heads', () => {
    const bad = {
      ...file(true),
      unpunctuated: { ...heads([0, 3, 0, 0]), client: { classes: ['a', 'b'], weights: {} } },
    };
    const dir = mkdtempSync(join(tmpdir(), 'coder-'));
    try {
      const path = join(dir, 'weights.json');
      writeFileSync(path, JSON.stringify(bad));
      expect(() => loadCoder(path)).toThrow(
        /weights\.json.*unpunctuated\.client\.classes: expected change, sustain, neutral/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the shipped coder', () => {
  const coder = loadCoder();

  it('codes questions, reflections and client talk, with subcodes and probabilities', () => {
    const codes = coder.code([
      { id: 'u1', role: T, text: 'What brings you in today?' },
      { id: 'u2', role: C, text: 'My doctor says I drink too much and I guess I am worried about it too.' },
      { id: 'u3', role: T, text: "It sounds like you're worried about your health." },
      { id: 'u4', role: C, text: 'Yeah. I really want to cut down before the summer.' },
      { id: 'u5', role: T, text: 'Do you drink every day?' },
      { id: 'u6', role: 'other', text: '[inaudible]' },
    ]);
    expect(codes.map((c) => c && [c.code, c.subcode])).toEqual([
      ['question', 'open'],
      expect.any(Array),
      ['reflection', expect.stringMatching(/^(simple|complex)$/)],
      ['change', null],
      ['question', 'closed'],
      null,
    ]);
    for (const c of codes) if (c) expect(c.probability).toBeGreaterThan(0.25);
    expect(coder.version).toMatch(/^annomi-coder-/);
  });

  it('finds questions in a transcript without punctuation, which the main heads alone miss', () => {
    // Without the unpunctuated heads the AnnoMI coder calls the first "other" and the last "input".
    const t = [
      { id: 'u1', role: C, text: 'i have been so stressed about work my boss yells at me' },
      { id: 'u2', role: T, text: 'is there anyone you can talk to about this' },
      { id: 'u3', role: C, text: 'not really my family lives far away' },
      { id: 'u4', role: T, text: 'do you have any friends nearby' },
      { id: 'u5', role: C, text: 'a couple from work' },
      { id: 'u6', role: T, text: 'have you told them how you feel' },
      { id: 'u7', role: C, text: 'no i feel embarrassed' },
      { id: 'u8', role: T, text: 'what do you think would happen if you did' },
    ];
    const codes = coder.code(t);
    expect(codes.filter((c) => c?.role === 'therapist').map((c) => c?.code)).toEqual([
      'question',
      'question',
      'question',
      'question',
    ]);
  });

  it('gives the same codes for the same transcript (compiled once, pure)', () => {
    const t = [
      { id: 'a', role: T, text: 'How has the week been?' },
      { id: 'b', role: C, text: 'Hard.' },
    ];
    expect(coder.code(t)).toEqual(coder.code(t));
    expect(loadCoder()).toBe(coder);
  });

  it('refuses a weights file with a mistake, naming the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coder-'));
    try {
      const file = join(dir, 'weights.json');
      writeFileSync(
        file,
        JSON.stringify({
          version: 'x',
          description: 'x',
          source: { data: 'x', citation: 'x', licence: 'x' },
          heads: {},
        }),
      );
      expect(() => loadCoder(file)).toThrow(/weights\.json.*heads\.therapist/);
      const shipped = JSON.parse(readFileSync(DEFAULT_WEIGHTS_FILE, 'utf8'));
      shipped.heads.question.weights['w|what'] = [0.5, 'x'];
      writeFileSync(file, JSON.stringify(shipped));
      expect(() => loadCoder(file)).toThrow(
        /weights\.json.*heads\.question\.weights\.w\|what: expected an array of finite numbers/,
      );
      shipped.heads.question.weights['w|what'] = [0.5, 0.1, 0.2];
      writeFileSync(file, JSON.stringify(shipped));
      expect(() => loadCoder(file)).toThrow(
        /weights\.json.*heads\.question\.weights\.w\|what: 3 weights for 2 classes/,
      );
      shipped.heads.question.weights = [];
      writeFileSync(file, JSON.stringify(shipped));
      expect(() => loadCoder(file)).toThrow(/weights\.json.*heads\.question\.weights: expected an object/);
      writeFileSync(file, '{');
      expect(() => loadCoder(file)).toThrow(/weights\.json.*not valid JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
