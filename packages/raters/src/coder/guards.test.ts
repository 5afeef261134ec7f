import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHTS_FILE, loadCoder, SUBCODES, UtteranceCoder, type WeightsFile } from './coder';
import { prepare } from './features';
import { DEFAULT_GUARDS_FILE, expandPattern, type GuardsFile, ReflectionGuards, readGuardsFile } from './guards';

const dir = mkdtempSync(join(tmpdir(), 'guards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T = 'therapist' as const;
const C = 'client' as const;

const guardsFile = (guards: GuardsFile['guards'], openings = ['sounds like', '^so you']): GuardsFile => ({
  version: 't',
  description: 't',
  openings,
  guards,
});
const advice = {
  id: 'advice',
  description: 'd',
  recode: 'input' as const,
  phrases: ['you {could|can} {|also} try', '^{try|make sure}'],
};

describe('reflection guard patterns', () => {
  it('expand alternatives, optional words and multi-word options, and mark a sentence-start anchor', () => {
    expect(expandPattern('you {could|can} {|also} try')).toEqual({
      anchored: false,
      phrases: [
        ['you', 'could', 'try'],
        ['you', 'could', 'also', 'try'],
        ['you', 'can', 'try'],
        ['you', 'can', 'also', 'try'],
      ],
    });
    expect(expandPattern('^{Try|make sure} it')).toEqual({
      anchored: true,
      phrases: [
        ['try', 'it'],
        ['make', 'sure', 'it'],
      ],
    });
  });

  it('match anywhere, anchored ones only where a sentence starts, and yield to the openings of a reflection', () => {
    const g = new ReflectionGuards(guardsFile([advice]));
    const recode = (text: string) => g.recode(prepare(T, text));
    expect(recode('Maybe you could also try a walk.')).toBe('input');
    expect(recode('I know. Try to rest tonight.')).toBe('input');
    expect(recode('Okay, make sure you eat.')).toBeNull();
    expect(recode('It sounds like you could try again.')).toBeNull();
    expect(recode('So you can try it, and you would.')).toBeNull();
    expect(recode('You tried so hard.')).toBeNull();
  });

  it('are tried in order, the first that matches deciding', () => {
    const affirm = { id: 'affirm', description: 'd', recode: 'other' as const, phrases: ['proud of you'] };
    const recode = (gs: GuardsFile['guards']) =>
      new ReflectionGuards(guardsFile(gs)).recode(prepare(T, "I'm proud of you, you could try again."));
    expect(recode([affirm, advice])).toBe('other');
    expect(recode([advice, affirm])).toBe('input');
    const opened = new ReflectionGuards(guardsFile([affirm, advice], ['i understand']));
    expect(opened.recode(prepare(T, "I understand. I'm proud of you, you could try again."))).toBeNull();
  });

  it('refuse a malformed file, naming the file and the field', () => {
    const write = (name: string, body: unknown) => {
      const p = join(dir, name);
      writeFileSync(p, typeof body === 'string' ? body : JSON.stringify(body));
      return p;
    };
    expect(() =>
      readGuardsFile(write('braces.json', guardsFile([{ ...advice, phrases: ['you {could try'] }]))),
    ).toThrow(/braces\.json.*guards\.0\.phrases\.0: braces must pair up/);
    expect(() =>
      readGuardsFile(write('recode.json', guardsFile([{ ...advice, recode: 'question' as 'input' }]))),
    ).toThrow(/recode\.json.*guards\.0\.recode/);
    expect(() => readGuardsFile(write('no-openings.json', { version: 'x', description: 'x', guards: [] }))).toThrow(
      /no-openings\.json.*openings/,
    );
    expect(() => readGuardsFile(write('bad.json', '{'))).toThrow(/bad\.json.*not valid JSON/);
    expect(() => readGuardsFile(join(dir, 'missing.json'))).toThrow(/missing\.json.*cannot read the coder's guards/);
  });

  it('ship as a valid file', () => {
    const { guards } = readGuardsFile(DEFAULT_GUARDS_FILE);
    expect(guards.recode(prepare(T, 'You could try writing in a journal.'))).toBe('input');
    expect(guards.recode(prepare(T, "You're doing the right thing by reaching out."))).toBe('other');
    expect(guards.recode(prepare(T, 'It sounds like you could try, but you are scared.'))).toBeNull();
  });
});

describe('a coder with reflection guards', () => {
  // Weights that call every therapist utterance a reflection (input second), every input "advice".
  const weights: WeightsFile = {
    version: 'test',
    description: 'test',
    source: { data: 'x', citation: 'x', licence: 'x' },
    evaluation: {},
    heads: {
      therapist: { classes: ['reflection', 'question', 'input', 'other'], weights: { 'bias|': [2, 0, 1, 0] } },
      client: { classes: ['change', 'sustain', 'neutral'], weights: { 'bias|': [0, 0, 1] } },
      reflection: { classes: [...SUBCODES.reflection], weights: {} },
      question: { classes: [...SUBCODES.question], weights: {} },
      input: { classes: [...SUBCODES.input], weights: { 'bias|': [0, 1, 0, 0] } },
    },
  };
  const transcript = [
    { id: 'a', role: C, text: 'I lost my job.' },
    { id: 'b', role: T, text: 'You could try calling your old manager.' },
    { id: 'c', role: T, text: 'That must be hard.' },
  ];

  it('recodes a reflection that matches, with the subcode and the model probability of its new code', () => {
    const guarded = new UtteranceCoder(weights, 'g', new ReflectionGuards(guardsFile([advice])));
    const [, b, c] = guarded.code(transcript);
    // softmax(2, 0, 1, 0): input's share is e / (e² + e + 2).
    const pInput = Math.E / (Math.E ** 2 + Math.E + 2);
    expect(b).toMatchObject({ code: 'input', subcode: 'advice', probability: Math.round(pInput * 1000) / 1000 });
    expect(c).toMatchObject({ code: 'reflection', subcode: 'simple' });
    const plain = new UtteranceCoder(weights, 'p').code(transcript);
    expect(plain[1]).toMatchObject({ code: 'reflection' });
  });

  it('makes the guards part of the hash stored codes carry', () => {
    const edited = join(dir, 'edited-guards.json');
    const shipped = JSON.parse(readFileSync(DEFAULT_GUARDS_FILE, 'utf8')) as GuardsFile;
    writeFileSync(edited, JSON.stringify({ ...shipped, guards: shipped.guards.slice(1) }));
    const a = loadCoder(DEFAULT_WEIGHTS_FILE, DEFAULT_GUARDS_FILE);
    const b = loadCoder(DEFAULT_WEIGHTS_FILE, edited);
    expect(a.hash).not.toBe(b.hash);
    expect(loadCoder()).toBe(a);
  });
});
