import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, readStudyConfig, setRaterValidator } from '@alliance-lab/core';
import { afterEach, describe, expect, it } from 'vitest';
import { configureRater, PROVIDER_NAMES, validateStudyRaters } from './registry';

const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('provider registry', () => {
  it('lists every provider folder', () => {
    expect([...PROVIDER_NAMES].sort()).toEqual(['anthropic', 'lexicon', 'openai', 'replay']);
  });

  it('refuses an unknown key, naming the rater, the key and the nearest valid key', () => {
    expect(message(() => configureRater('gpt', { provider: 'openai', model: 'm', temprature: 0.5 }))).toMatch(
      /study\.json: rater "gpt": unknown key "temprature"; did you mean "temperature"\?/,
    );
    expect(
      message(() => configureRater('gpt', { provider: 'openai', model: 'm', options: { jsonmode: true } })),
    ).toMatch(/rater "gpt": unknown key "options\.jsonmode"; did you mean "options\.jsonMode"\?/);
    // A provider option written at the top level is pointed to its place under "options".
    expect(message(() => configureRater('lex', { provider: 'lexicon', markers: 'm.json' }))).toMatch(
      /rater "lex": unknown key "markers"; did you mean "options\.markers"\?/,
    );
    // Another provider's option is not silently ignored either.
    expect(
      message(() => configureRater('claude', { provider: 'anthropic', model: 'm', options: { jsonMode: true } })),
    ).toMatch(/rater "claude": unknown key "options\.jsonMode" \(a anthropic rater takes .*options\.strictTool/);
  });

  it('refuses a value of the wrong type, naming the key', () => {
    expect(message(() => configureRater('gpt', { provider: 'openai', model: 'm', temperature: 'warm' }))).toMatch(
      /rater "gpt": temperature: Invalid input: expected number, received string/,
    );
    expect(
      message(() => configureRater('gpt', { provider: 'openai', model: 'm', options: { remote: 'yes' } })),
    ).toMatch(/rater "gpt": options\.remote: Invalid input: expected boolean/);
    expect(message(() => configureRater('gpt', { provider: 'openai' }))).toMatch(
      /rater "gpt": model: a model provider needs "model"/,
    );
  });

  it('refuses an unknown provider with the nearest one', () => {
    expect(message(() => configureRater('gpt', { provider: 'opnai', model: 'm' }))).toMatch(
      /rater "gpt": unknown provider "opnai"; did you mean "openai"\? \(providers: openai, anthropic, lexicon, replay\)/,
    );
  });

  it("gives every provider's configuration the fields the run reads", () => {
    const lex = configureRater('lex', { provider: 'lexicon' }).config;
    expect(lex).toMatchObject({ model: 'lexicon-v1', temperature: 0, maxTokens: 4096, forms: ['wai-o-s:observer'] });
    const gpt = configureRater('gpt', { provider: 'openai', model: 'm', timeoutMs: 500, chunkOverlap: 2 }).config;
    expect(gpt).toMatchObject({ timeoutMs: 500, chunkOverlap: 2, options: { remote: false, jsonMode: false } });
    expect(configureRater('r', { provider: 'replay', options: { rater: 'gpt' } }).config).toMatchObject({
      options: { rater: 'gpt' },
    });
  });

  describe('installed as core study loading validator', () => {
    const made: string[] = [];
    afterEach(() => {
      setRaterValidator(undefined);
      for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
    });

    it('refuses a typo in a rater option whenever a study is loaded', () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'registry-')), 'study');
      made.push(join(dir, '..'));
      mkdirSync(dir);
      writeFileSync(
        join(dir, 'study.json'),
        JSON.stringify({ name: 'S', raters: { lex: { provider: 'lexicon', options: { marker: 'm.json' } } } }),
      );
      expect(readStudyConfig(dir).raters.lex!.provider).toBe('lexicon');
      setRaterValidator(validateStudyRaters);
      expect(message(() => readStudyConfig(dir))).toMatch(
        /study\/study\.json: rater "lex": unknown key "options\.marker"; did you mean "options\.markers"\?/,
      );
    });
  });
});
