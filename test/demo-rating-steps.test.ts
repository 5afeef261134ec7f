import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStudyConfig } from '@alliance-lab/core';
import { fileURLToPath } from 'node:url';
import { main } from '@alliance-lab/cli';
import { afterAll, describe, expect, it } from 'vitest';
import { LexiconConfig, createLexiconRater } from '@alliance-lab/raters';
import { ratingSteps, writeAltMarkers } from '../scripts/demo/rating-steps';

const io = { stdout: { write: () => true }, stderr: { write: () => true, isTTY: false } };

const parent = mkdtempSync(join(tmpdir(), 'demo-raters-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('demo rating steps', () => {
  it('rates with the two lexicon configurations only, unless an API key is set', () => {
    const titles = (env: NodeJS.ProcessEnv) => ratingSteps('s', env).map((s) => s.title);
    expect(titles({}).filter((t) => t.startsWith('rate '))).toEqual([
      'rate transcripts with lexicon',
      'rate transcripts with lexicon-alt',
    ]);
    const withKeys = ratingSteps('s', { OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k' });
    const gpt = withKeys.find((s) => s.title === 'rate transcripts with gpt')!;
    // Model raters run on a few clients under a budget, never on the whole study by accident.
    expect(gpt.args).toEqual(expect.arrayContaining(['--sessions', '--budget']));
    expect(withKeys.some((s) => s.title === 'rate transcripts with claude')).toBe(true);
  });

  it('declares the raters in studies/demo and derives a lexicon-alt marker file that the lexicon rater loads', async () => {
    const dir = join(parent, 'study');
    expect(
      await main(['init', dir, '--from', fileURLToPath(new URL('../studies/demo', import.meta.url)), '--quiet'], io),
    ).toBe(0);
    writeAltMarkers(dir);
    const config = readStudyConfig(dir);
    expect(Object.keys(config.raters)).toEqual(['lexicon', 'lexicon-alt', 'gpt', 'claude']);
    const base = createLexiconRater({
      name: 'lexicon',
      config: LexiconConfig.parse(config.raters.lexicon),
      studyDir: dir,
    });
    const alt = createLexiconRater({
      name: 'lexicon-alt',
      config: LexiconConfig.parse(config.raters['lexicon-alt']),
      studyDir: dir,
    });
    expect(alt.prompt.version).toBe(`${base.prompt.version}-alt`);
    expect(alt.prompt.hash).not.toBe(base.prompt.hash);
  });
});
