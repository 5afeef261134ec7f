import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '@alliance-lab/core';
import { loadRegistry } from '@alliance-lab/instruments';
import { describe, expect, it } from 'vitest';
import type { RatableTranscript, RatableUtterance } from '../rater';
import { ratableHash } from '../run/run-transcripts';
import { estimateTokens } from './estimate-tokens';
import { createPromptRenderer, PROMPTS_DIR, promptVersions } from './prompt-renderer';
import { tempDir } from '../../../../test/support/temp-dir';

const registry = loadRegistry();
const WAI = { instrument: 'wai-o-s', form: 'observer' };
const CALPAS = { instrument: 'calpas', form: 'observer' };
const transcript = (utterances: RatableUtterance[]): RatableTranscript => ({
  sessionId: 'C01/1',
  transcriptId: 't1',
  contentHash: ratableHash(utterances),
  utterances,
});
const SHORT = transcript([
  { id: 'u1', role: 'therapist', text: 'What brings you here?' },
  { id: 'u2', role: 'client', text: 'My sister said\nI should come.' },
  { id: 'u3', role: 'other', text: '(phone rings)' },
]);

describe('prompt renderer', () => {
  const r = createPromptRenderer({ version: 'v1', forms: [WAI, CALPAS], catalog: registry });

  it('puts the framing and rubric in the system message, the transcript next, the forms last', () => {
    const p = r.render(SHORT, [WAI]);
    expect(p.system).toMatch(/Rate only what the transcript shows/);
    expect(p.system).toMatch(/"no evidence"/);
    expect(p.system).toMatch(/relationship-quality: empathy/);
    expect(p.transcript).toBe(
      'Transcript:\nu1 T: What brings you here?\nu2 C: My sister said I should come.\nu3 O: (phone rings)\n',
    );
    expect(p.task).toMatch(/^Rate these forms/);
    expect(p.task).not.toContain('What brings you here');
  });

  it('lists every item with its label and the scale with its anchors, paraphrases marked', () => {
    const task = r.render(SHORT, [WAI]).task;
    expect(task).toContain(
      'wai-o-s:observer (WAI-O-S), scale 1–7; 1 = very strong evidence against; 4 = no evidence (start here); 7 = very strong evidence for; items paraphrased',
    );
    for (const item of registry.view('wai-o-s', 'observer').items)
      expect(task).toContain(`- ${item.id}: ${item.descriptor}\n`);
    expect(task).toMatch(/a paraphrase is our content descriptor, not the instrument's licensed wording/);
  });

  it('lists items sharing one label once, with all their ids', () => {
    const task = r.render(SHORT, [CALPAS]).task;
    expect(task).toContain('- 1, 5, 9, 13, 17, 21: Patient Working Capacity item');
    expect(task.match(/Patient Working Capacity item/g)).toHaveLength(1);
  });

  it("uses the study's installed licensed wording instead of the paraphrase", () => {
    const study = tempDir('prompt-study-');
    mkdirSync(join(study, 'wording'));
    const items = Object.fromEntries(
      registry.view('wai-o-s', 'observer').items.map((it) => [it.id, `Licensed wording of item ${it.id}.`]),
    );
    writeFileSync(
      join(study, 'wording', 'wai-o-s.json'),
      JSON.stringify({ instrument: 'wai-o-s', licence: 'test permission', forms: { observer: { items } } }),
    );
    const licensed = createPromptRenderer({ version: 'v1', forms: [WAI], catalog: loadRegistry({ studyDir: study }) });
    const task = licensed.render(SHORT, [WAI]).task;
    expect(task).toContain('- 4: Licensed wording of item 4.\n');
    expect(task).not.toMatch(/paraphrase/);
    expect(licensed.hash).not.toBe(createPromptRenderer({ version: 'v1', forms: [WAI], catalog: registry }).hash);
  });

  it('keeps the transcript block identical across form sets and replicates, so prefix caches hit', () => {
    const a = r.build({ transcript: SHORT, forms: [WAI], replicate: 1 });
    const b = r.build({ transcript: SHORT, forms: [WAI, CALPAS], replicate: 4 });
    expect(a.system).toBe(b.system);
    expect(a.transcript).toBe(b.transcript);
    expect(a.task).not.toBe(b.task);
  });

  it('hashes the rendered prompt without the transcript: stable, and different for other forms or versions', () => {
    const again = createPromptRenderer({ version: 'v1', forms: [WAI, CALPAS], catalog: registry });
    expect(again.hash).toBe(r.hash);
    expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(createPromptRenderer({ version: 'v1', forms: [WAI], catalog: registry }).hash).not.toBe(r.hash);
    const dir = tempDir('prompts-');
    cpSync(join(PROMPTS_DIR, 'v1'), join(dir, 'v2'), { recursive: true });
    writeFileSync(join(dir, 'v2', 'rubric.md'), 'Rubric: a shorter one.\n');
    const v2 = createPromptRenderer({ version: 'v2', forms: [WAI, CALPAS], catalog: registry, dir });
    expect(v2.hash).not.toBe(r.hash);
    expect(v2.render(SHORT, [WAI]).system).toMatch(/Rubric: a shorter one\.$/);
  });

  it('refuses an unknown version or a version missing a template, naming what exists', () => {
    expect(promptVersions()).toContain('v1');
    expect(() => createPromptRenderer({ version: 'v9', forms: [WAI], catalog: registry })).toThrow(UsageError);
    expect(() => createPromptRenderer({ version: 'v9', forms: [WAI], catalog: registry })).toThrow(
      /no prompt version "v9" .*versions are v1/,
    );
    const dir = tempDir('prompts-');
    mkdirSync(join(dir, 'v1'));
    expect(() => createPromptRenderer({ version: 'v1', forms: [WAI], catalog: registry, dir })).toThrow(
      /lacks .*system\.md/,
    );
  });

  it('estimates the whole request and each utterance line', () => {
    const p = r.render(SHORT, [WAI]);
    const tokens = r.tokens(SHORT, [WAI]);
    expect(tokens).toBe(estimateTokens(p.system) + estimateTokens(p.transcript) + estimateTokens(p.task) + 12);
    expect(r.utteranceTokens(SHORT)).toEqual([
      estimateTokens('u1 T: What brings you here?') + 1,
      estimateTokens('u2 C: My sister said I should come.') + 1,
      estimateTokens('u3 O: (phone rings)') + 1,
    ]);
  });

  it('stays within 1.3 times the transcript for all observer forms on a 300-utterance session', () => {
    const lines = [
      'It sounds like the week has been harder than you expected, with work and the kids both pulling at you.',
      "I just don't know where to start anymore, honestly. Every evening I tell myself tomorrow will be different.",
      'What would you like to focus on today?',
      'Probably the drinking, since that is what my doctor keeps bringing up at every appointment.',
    ];
    const long = transcript(
      Array.from({ length: 300 }, (_, i) => ({
        id: `u${String(i + 1).padStart(4, '0')}`,
        role: i % 2 ? 'client' : 'therapist',
        text: lines[i % lines.length]!,
      })),
    );
    const ratio = r.tokens(long, [WAI, CALPAS]) / estimateTokens(r.render(long, [WAI, CALPAS]).transcript);
    expect(ratio).toBeLessThanOrEqual(1.3);
  });
});
