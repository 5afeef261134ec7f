import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installStudyInstrument, installWording } from './install';
import { loadRegistry } from './registry';
import { scoreResponse } from './score';
import { miniDefinition, tempDir, writeJson } from './test-fixtures';
import { itemLabelText } from './wording';

const twelve = (prefix: string) =>
  Object.fromEntries(Array.from({ length: 12 }, (_, i) => [String(i + 1), `${prefix} text ${i + 1}`]));

describe('study instruments', () => {
  it('installs a study instrument into instruments/<id>.json and scores it', () => {
    const study = tempDir();
    const src = writeJson(tempDir(), 'my-translation.json', miniDefinition());
    const res = installStudyInstrument(study, src);
    expect(res).toMatchObject({
      id: 'mini',
      overridesBuiltin: false,
      replaced: false,
      path: join(study, 'instruments', 'mini.json'),
    });
    const reg = loadRegistry({ studyDir: study });
    expect(reg.get('mini').origin).toBe('study');
    // client: a1 = 4, a2 = 1 reversed to 4+1−1 = 4 → bond mean 4; agree b1+b2 = 2+3 = 5
    const r = scoreResponse(reg.definition('mini'), 'client', { a1: '4', a2: '1', b1: '2', b2: '3' });
    expect(r.scales.bond!.score).toBe(4);
    expect(r.scales.agree!.score).toBe(5);
    // the therapist form has no b2 and no agree scale
    expect(Object.keys(scoreResponse(reg.definition('mini'), 'therapist', {}).scales)).toEqual(['bond', 'total']);
  });

  it('lets a study definition override a built-in one with the same id', () => {
    const study = tempDir();
    const wai = JSON.parse(readFileSync(loadRegistry().get('wai-sr').file, 'utf8'));
    wai.items[0].keying = { reverse: true, source: 'our reading of the appendix', confirmed: true };
    const res = installStudyInstrument(study, writeJson(tempDir(), 'wai-sr.json', wai));
    expect(res.overridesBuiltin).toBe(true);
    const reg = loadRegistry({ studyDir: study });
    expect(reg.get('wai-sr')).toMatchObject({ origin: 'study', overridesBuiltin: true });
    expect(scoreResponse(reg.definition('wai-sr'), 'client', { '1': '5' }).keyed['1']).toBe(1);
    expect(scoreResponse(loadRegistry().definition('wai-sr'), 'client', { '1': '5' }).keyed['1']).toBe(5);
  });

  it('refuses an invalid definition without writing anything', () => {
    const study = tempDir();
    const bad = miniDefinition();
    bad.total!.method = 'median' as never;
    expect(() => installStudyInstrument(study, writeJson(tempDir(), 'bad.json', bad))).toThrow(
      /bad\.json: total\.method: /,
    );
    expect(loadRegistry({ studyDir: study }).has('mini')).toBe(false);
  });

  it('names the file of a broken definition found in a study folder', () => {
    const study = tempDir();
    const file = writeJson(join(study, 'instruments'), 'mini.json', { ...miniDefinition(), forms: [] });
    expect(() => loadRegistry({ studyDir: study })).toThrow(`${file}: `);
  });
});

describe('licensed wording', () => {
  it('installs wording that matches the definition and uses it for labels, falling back to marked paraphrases', () => {
    const study = tempDir();
    const file = writeJson(tempDir(), 'wai.json', {
      instrument: 'wai-sr',
      licence: 'permission from the author, 2026',
      forms: { client: { items: twelve('client') } },
    });
    expect(installWording(study, file)).toMatchObject({
      instrument: 'wai-sr',
      forms: ['client'],
      path: join(study, 'wording', 'wai-sr.json'),
    });
    const reg = loadRegistry({ studyDir: study });
    expect(reg.itemLabel('wai-sr', 'client', '3')).toEqual({ text: 'client text 3', kind: 'wording' });
    const para = reg.itemLabel('wai-sr', 'therapist', '3');
    expect(para).toEqual({ text: 'therapist likes the client', kind: 'paraphrase' });
    expect(itemLabelText(para)).toBe('[paraphrase] therapist likes the client');
    expect(loadRegistry().itemLabel('wai-sr', 'client', '3').kind).toBe('paraphrase');
  });

  it('rejects wording whose item ids or count differ from the form, naming the file and the mismatch', () => {
    const items = twelve('x');
    delete items['12'];
    items['13'] = 'extra';
    items['14'] = 'extra';
    const file = writeJson(tempDir(), 'wai.json', {
      instrument: 'wai-sr',
      licence: 'ok',
      forms: { client: { items } },
    });
    expect(() => installWording(tempDir(), file)).toThrow(
      `${file}: forms.client.items: wai-sr client has 12 items (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), the file has 13; missing 12; not in the definition: 13, 14`,
    );
  });

  it('rejects wording for a form or instrument that does not exist', () => {
    const wrongForm = writeJson(tempDir(), 'w.json', {
      instrument: 'srs',
      licence: 'ok',
      forms: { observer: { items: { '1': 'a' } } },
    });
    expect(() => installWording(tempDir(), wrongForm)).toThrow(
      'forms.observer: srs has no form "observer" (its forms are client, child)',
    );
    const unknown = writeJson(tempDir(), 'w.json', {
      instrument: 'haq-ii',
      licence: 'ok',
      forms: { client: { items: { '1': 'a' } } },
    });
    expect(() => installWording(tempDir(), unknown)).toThrow('instrument: "haq-ii" is not a known instrument');
    const noLicence = writeJson(tempDir(), 'w.json', { instrument: 'srs', forms: { client: { items: {} } } });
    expect(() => installWording(tempDir(), noLicence)).toThrow(/licence: /);
  });

  it('refuses a study definition that would no longer fit the installed wording', () => {
    const study = tempDir();
    installStudyInstrument(study, writeJson(tempDir(), 'mini.json', miniDefinition()));
    installWording(
      study,
      writeJson(tempDir(), 'w.json', {
        instrument: 'mini',
        licence: 'ours',
        forms: { client: { items: { a1: 'A', a2: 'B', b1: 'C', b2: 'D' } } },
      }),
    );
    const fewer = miniDefinition();
    fewer.items = fewer.items.filter((it) => it.id !== 'b2');
    fewer.scales = fewer.scales!.filter((s) => s.id !== 'agree');
    expect(() => installStudyInstrument(study, writeJson(tempDir(), 'mini.json', fewer))).toThrow(
      /wording[\\/]mini\.json: forms\.client\.items: mini client has 3 items/,
    );
  });
});
