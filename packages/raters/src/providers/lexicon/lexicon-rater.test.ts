import { configureRater } from '../registry';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRegistry } from '@alliance-lab/instruments';
import { describe, expect, it } from 'vitest';
import { sha256 } from '@alliance-lab/core';
import { loadCoder } from '../../coder/coder';
import { DEFAULT_MARKERS_FILE, loadMarkerFile } from '../../lexicon/marker-file';
import type { RatableTranscript, RatableUtterance } from '../../rater';
import { RaterOutput } from '../../result-schema';
import { ratableHash } from '../../run/run-transcripts';
import { validateOutput } from '../../validate/validate-output';
import { LexiconConfig } from './lexicon-config';
import { createLexiconRater } from './lexicon-rater';
import { tempDir } from '../../../../../test/support/temp-dir';

const registry = loadRegistry();
const forms = [
  { instrument: 'wai-o-s', form: 'observer' },
  { instrument: 'calpas', form: 'observer' },
];
const config = (options: Record<string, unknown> = {}) =>
  LexiconConfig.parse({ provider: 'lexicon', forms: ['wai-o-s:observer', 'calpas:observer'], options });

/** A lexicon rater of a temporary study whose marker file is the shipped one after `edit`. */
function withEditedMarkers(edit: (markers: Record<string, any>) => void) {
  const dir = tempDir('lexicon-study-');
  const edited = JSON.parse(readFileSync(DEFAULT_MARKERS_FILE, 'utf8'));
  edit(edited);
  const file = join(dir, 'my-markers.json');
  writeFileSync(file, JSON.stringify(edited));
  const rater = createLexiconRater({
    name: 'mine',
    config: config({ markers: 'my-markers.json' }),
    studyDir: dir,
    forms: registry,
  });
  return { rater, file };
}

const T = 'therapist' as const;
const C = 'client' as const;
const SESSION: RatableUtterance[] = [
  { id: 'u1', role: T, text: 'Thanks for coming in. What would you like to focus on today?' },
  {
    id: 'u2',
    role: C,
    text: "I guess my drinking. My wife says it's a problem and honestly I feel like she might be right.",
  },
  { id: 'u3', role: T, text: "It sounds like part of you is worried about it, and part of you isn't sure." },
  { id: 'u4', role: C, text: 'Yeah.' },
  { id: 'u5', role: T, text: 'Is it okay if I ask how much you drink in a usual week?' },
  { id: 'u6', role: C, text: "I don't know." },
  { id: 'u7', role: T, text: 'How many on a weekend night?' },
  { id: 'u8', role: C, text: 'Not sure.' },
  { id: 'u9', role: T, text: "I notice I've been asking a lot of questions. How is this going for you so far?" },
  {
    id: 'u10',
    role: C,
    text: "It's okay. I want to cut down before my daughter's wedding, I just don't know where to start.",
  },
  { id: 'u11', role: T, text: "You need to stop completely. It's dangerous at your age." },
  { id: 'u12', role: C, text: "You don't understand, it's how I relax after work." },
  { id: 'u13', role: T, text: "You're right, I jumped ahead. Let's think together about what would work for you." },
  { id: 'u14', role: C, text: 'Maybe no beer on weeknights. I could try that.' },
  {
    id: 'u15',
    role: T,
    text: "That's a big step, and it's your choice. Before we finish, let me summarize what we talked about today.",
  },
];
const transcript = (utterances: RatableUtterance[] = SESSION): RatableTranscript => ({
  sessionId: 'C01/1',
  transcriptId: 't1',
  contentHash: ratableHash(utterances),
  utterances,
});
const views = forms.map((f) => registry.view(f.instrument, f.form));

describe('lexicon rater', () => {
  it('answers with a valid, evidence-grounded rating of every requested form', async () => {
    const rater = createLexiconRater({ name: 'lexicon', config: config(), forms: registry });
    const { output, usage } = await rater.rate({ transcript: transcript(), forms, replicate: 1 });
    const v = validateOutput(output, transcript(), views);
    expect(v.ok ? [] : v.errors).toEqual([]);
    const o = RaterOutput.parse(output);
    expect(o.forms.map((f) => [f.instrument, f.items.length])).toEqual([
      ['wai-o-s', 12],
      ['calpas', 24],
    ]);
    expect(usage).toMatchObject({ inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0 });
    expect(rater.remote).toBe(false);
  });

  it('finds the relational markers this session was written with', async () => {
    const rater = createLexiconRater({ name: 'lexicon', config: config(), forms: registry });
    const o = RaterOutput.parse((await rater.rate({ transcript: transcript(), forms, replicate: 1 })).output);
    const sig = (sub: string, dir: string) => o.signals.find((s) => s.subSignal === sub && s.direction === dir);
    expect(sig('empathy', 'strength')!.evidence).toContain('u3');
    expect(sig('autonomy', 'concern')!.evidence).toContain('u11');
    expect(sig('autonomy', 'strength')!.evidence).toEqual(expect.arrayContaining(['u5', 'u15']));
    expect(sig('repairing-misalignment', 'strength')!.evidence).toEqual(expect.arrayContaining(['u9', 'u13']));
    expect(sig('goal-agreement', 'strength')!.evidence).toEqual(expect.arrayContaining(['u10', 'u14']));
    expect(sig('closure', 'strength')!.evidence).toContain('u15');
    // u6 and u8 answer questions with "I don't know" and "Not sure" (u4's "Yeah." answers a reflection, not a
    // question); u9 is a metacommunication repair, and u10 returns to the work.
    expect(o.ruptures).toContainEqual({
      marker: 'withdrawal',
      markerType: expect.stringMatching(/I don't know/),
      startUtterance: 'u6',
      endUtterance: 'u8',
      resolution: { strategy: expect.stringMatching(/metacommunication/), utterance: 'u9' },
      resolved: true,
    });
    // u12 confronts the therapist's directive; u13 acknowledges the therapist's part.
    expect(o.ruptures).toContainEqual({
      marker: 'confrontation',
      markerType: expect.any(String),
      startUtterance: 'u12',
      endUtterance: 'u12',
      resolution: { strategy: 'acknowledging own contribution', utterance: 'u13' },
      resolved: true,
    });
  });

  it('gives the same answer for every replicate and every run', async () => {
    const a = createLexiconRater({ name: 'a', config: config(), forms: registry });
    const b = createLexiconRater({ name: 'b', config: config(), forms: registry });
    const one = (await a.rate({ transcript: transcript(), forms, replicate: 1 })).output;
    expect((await a.rate({ transcript: transcript(), forms, replicate: 3 })).output).toEqual(one);
    expect((await b.rate({ transcript: transcript(), forms, replicate: 1 })).output).toEqual(one);
  });

  it("names its marker set as its prompt: version, and the hash of the markers' and the coder's content", () => {
    const rater = createLexiconRater({ name: 'lexicon', config: config(), forms: registry });
    const file = loadMarkerFile();
    // The shipped markers fire on codes, so the coder's weights are part of what made a rating.
    expect(rater.prompt).toEqual({ version: file.markers.version, hash: sha256(`${file.hash}\n${loadCoder().hash}`) });
    expect(rater.provider).toBe('lexicon');
    expect(rater.model).toBe('lexicon-v1');
  });

  it("reads an alternative marker file named in the rater's options, relative to the study folder", async () => {
    const { rater } = withEditedMarkers((edited) => {
      edited.version = 'my-markers-2';
      // Without the autonomy concern's definition, u11's directive no longer raises one.
      edited.signals = edited.signals.filter(
        (s: { subSignal: string; direction: string }) => !(s.subSignal === 'autonomy' && s.direction === 'concern'),
      );
    });
    expect(rater.prompt.version).toBe('my-markers-2');
    expect(rater.prompt.hash).not.toBe(
      createLexiconRater({ name: 'x', config: config(), forms: registry }).prompt.hash,
    );
    const o = RaterOutput.parse((await rater.rate({ transcript: transcript(), forms, replicate: 1 })).output);
    expect(o.signals.find((s) => s.subSignal === 'autonomy' && s.direction === 'concern')).toBeUndefined();
    expect(o.signals.find((s) => s.subSignal === 'autonomy' && s.direction === 'strength')).toBeDefined();
  });

  it('keys its ratings by the markers alone when no marker fires on codes', () => {
    const { rater: plain, file } = withEditedMarkers((edited) => {
      for (const m of edited.markers as Array<{ codes?: string[]; phrases?: string[] }>) {
        if (!m.codes?.length) continue;
        m.codes = [];
        if (!m.phrases?.length) m.phrases = ['xyzzy plugh'];
      }
    });
    expect(plain.markers.codeMarkers).toHaveLength(0);
    expect(plain.prompt.hash).toBe(loadMarkerFile(file).hash);
  });

  it('refuses a bad markers option and an unknown form with errors naming the rater', async () => {
    expect(() => configureRater('x', { provider: 'lexicon', options: { markers: 3 } })).toThrow(
      /rater "x": options\.markers: Invalid input: expected string, received number/,
    );
    const rater = createLexiconRater({ name: 'x', config: config(), forms: registry });
    await expect(
      rater.rate({ transcript: transcript(), forms: [{ instrument: 'wai-o-s', form: 'client' }], replicate: 1 }),
    ).rejects.toThrow(/rater "x": instrument "wai-o-s" has no form "client"/);
  });

  it('grounds every signal of a long session in the cited utterances', async () => {
    const long: RatableUtterance[] = Array.from({ length: 300 }, (_, i) => ({
      ...SESSION[i % SESSION.length]!,
      id: `u${String(i + 1).padStart(4, '0')}`,
    }));
    const rater = createLexiconRater({ name: 'lexicon', config: config(), forms: registry });
    const t = transcript(long);
    const { output } = await rater.rate({ transcript: t, forms, replicate: 1 });
    const v = validateOutput(output, t, views);
    expect(v.ok ? [] : v.errors).toEqual([]);
    expect(RaterOutput.parse(output).signals.length).toBeGreaterThan(15);
  });
});
