import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFINITIONS_DIR, installStudyInstrument } from '@alliance-lab/instruments';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../util/errors';
import { openStudy, readStudyConfig, setRaterValidator } from './study';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  setRaterValidator(undefined);
});

/** A study folder holding this study.json text (or object), inside a temp parent the test removes. */
function studyDir(json: unknown): string {
  const parent = mkdtempSync(join(tmpdir(), 'study-json-'));
  made.push(parent);
  const dir = join(parent, 'study');
  mkdirSync(dir);
  writeFileSync(join(dir, 'study.json'), typeof json === 'string' ? json : JSON.stringify(json, null, 2));
  return dir;
}

const refusal = (dir: string): string => {
  try {
    readStudyConfig(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('study.json was accepted');
};

describe('study.json is strict', () => {
  it('refuses a mistyped top-level key, naming it and the nearest valid key', () => {
    const msg = refusal(studyDir({ name: 'S', remoteProvider: 'forbid' }));
    expect(msg).toContain('study.json');
    expect(msg).toContain('unknown key "remoteProvider"');
    expect(msg).toContain('did you mean "remoteProviders"?');
  });

  it('refuses a mistyped nested key with its path', () => {
    const msg = refusal(studyDir({ name: 'S', privacy: { privateHost: ['gpu.lab'] } }));
    expect(msg).toMatch(/privacy: unknown key "privateHost"; did you mean "privateHosts"\?/);
    const store = refusal(studyDir({ name: 'S', store: { kind: 'sqlite', fiel: 'x.sqlite' } }));
    expect(store).toMatch(/store: unknown key "fiel"; did you mean "file"\?/);
  });

  it('refuses an unknown instrument at load, naming the known ones', async () => {
    const dir = studyDir({ name: 'S', instruments: [{ instrument: 'wai-xx', form: 'client' }] });
    const msg = refusal(dir);
    expect(msg).toMatch(/instruments\[0\]\.instrument|instruments\[0\]: unknown instrument "wai-xx"/);
    expect(msg).toContain('wai-sr');
    await expect(openStudy(dir)).rejects.toThrow(/unknown instrument "wai-xx"/);
    expect(existsSync(join(dir, 'study.sqlite'))).toBe(false);
  });

  it('accepts an instrument the study added itself, and refuses a form it lacks', () => {
    const dir = studyDir({ name: 'S', instruments: [{ instrument: 'lab-wai', form: 'client' }] });
    const def = JSON.parse(readFileSync(join(DEFINITIONS_DIR, 'wai-sr.json'), 'utf8'));
    const src = join(dir, '..', 'lab-wai.json');
    writeFileSync(src, JSON.stringify({ ...def, id: 'lab-wai' }));
    installStudyInstrument(dir, src);
    expect(readStudyConfig(dir).instruments[0]!.instrument).toBe('lab-wai');
    const other = studyDir({ name: 'S', instruments: [{ instrument: 'srs', form: 'observer' }] });
    expect(refusal(other)).toMatch(
      /instruments\[0\]: instrument "srs" has no form "observer"; its forms are client, child/,
    );
  });

  it('refuses an unknown analysis.criterion, naming the valid scales', () => {
    const msg = refusal(
      studyDir({ name: 'S', analysis: { criterion: { instrument: 'wai-sr', form: 'client', scale: 'totl' } } }),
    );
    expect(msg).toMatch(/analysis\.criterion: wai-sr client has no scale "totl"; did you mean "total"\?/);
    expect(msg).toContain('goal, task, bond');
    const instrument = refusal(
      studyDir({ name: 'S', analysis: { criterion: { instrument: 'wia-sr', form: 'client', scale: 'total' } } }),
    );
    expect(instrument).toMatch(/analysis\.criterion: unknown instrument "wia-sr"; did you mean "wai-sr"\?/);
  });

  it('keeps the SQLite store inside the study folder', async () => {
    const dir = studyDir({ name: 'S', store: { kind: 'sqlite', file: '../../outside-study.sqlite' } });
    const msg = refusal(dir);
    expect(msg).toMatch(/study\.json: store\.file "\.\.\/\.\.\/outside-study\.sqlite" is outside the study folder/);
    await expect(openStudy(dir)).rejects.toThrow(/outside the study folder/);
    expect(existsSync(join(dir, '..', '..', 'outside-study.sqlite'))).toBe(false);
    const abs = studyDir({ name: 'S', store: { kind: 'sqlite', file: join(tmpdir(), 'abs-study.sqlite') } });
    expect(refusal(abs)).toMatch(/study\.json: store\.file ".*abs-study\.sqlite" is outside the study folder/);
    const inside = studyDir({ name: 'S', store: { kind: 'sqlite', file: 'data/../my.sqlite' } });
    expect(readStudyConfig(inside).store).toEqual({ kind: 'sqlite', file: 'data/../my.sqlite' });
  });

  it('accepts a UTF-8 byte-order mark', () => {
    expect(readStudyConfig(studyDir(`\uFEFF${JSON.stringify({ name: 'BOM' })}`)).name).toBe('BOM');
  });

  it('reports a JSON syntax error by line and column, not byte position', () => {
    const msg = refusal(studyDir('{\n  "name": "S",\n  "remoteProviders" "forbid"\n}\n'));
    expect(msg).toMatch(/study\.json, line 3, column 21: not valid JSON/);
    expect(msg).not.toMatch(/position/);
  });

  it('runs the installed rater validator on every load', () => {
    const dir = studyDir({ name: 'S', raters: { lex: { provider: 'lexicon', markrs: 'x.json' } } });
    expect(readStudyConfig(dir).raters.lex!.provider).toBe('lexicon');
    setRaterValidator((raters, file) => {
      for (const [name, r] of Object.entries(raters))
        if ('markrs' in r) throw new InputError(`raters.${name}: unknown key "markrs"`, { file });
    });
    expect(refusal(dir)).toMatch(/study\.json: raters\.lex: unknown key "markrs"/);
  });
});
