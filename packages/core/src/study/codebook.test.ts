import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importResponses } from '../import/responses';
import { loadResponseForm } from '../import/responses/form-engine';
import { readDataDictionary } from '../import/responses/redcap/dictionary';
import { FIXTURES } from '../import/responses/test-input';
import { initStudy, openStudy, type Study } from '../store/study';
import { parseCsv } from '../util/csv';
import { renderStudyCodebook, studyCodebook } from './codebook';
import { tempDir } from '../../../../test/support/temp-dir';

async function demoStudy(): Promise<Study> {
  const s = await initStudy(join(tempDir('codebook-'), 'study'), {
    name: 'Pilot',
    instruments: [
      { instrument: 'wai-sr', form: 'client' },
      { instrument: 'srs', form: 'client' },
    ],
    raters: { 'gpt-4o.v1': { provider: 'openai', model: 'gpt-4o', forms: ['wai-o-s:observer'] } },
  });
  // Coders' WAI-O-S ratings are stored but not on the schedule: they are exported, so they are documented.
  await importResponses(s, {
    file: join(FIXTURES, 'coders-wai-o-s.csv'),
    form: loadResponseForm(s.dir, 'wai-o-s', 'observer'),
  });
  return s;
}

describe('study codebook', () => {
  it('documents key variables, scheduled and stored forms with their scale flags, and per-rater scores', async () => {
    const s = await demoStudy();
    const cb = await studyCodebook(s);
    expect(cb.ids.map((v) => v.name)).toEqual(['client', 'therapist', 'session', 'date', 'coder']);
    const names = cb.rows.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.slice(0, 12)).toEqual(Array.from({ length: 12 }, (_, i) => `wai_sr_client_${i + 1}`));
    for (const n of [
      'wai_sr_client_bond',
      'wai_sr_client_bond_pomp',
      'wai_sr_client_bond_prorated',
      'wai_sr_client_bond_missing',
      'srs_client_total_pomp',
      'wai_o_s_observer_12',
      'wai_o_s_observer_agreement',
    ]) {
      expect(names).toContain(n);
    }
    // a rater documents its scale scores, not items
    expect(names).toContain('gpt_4o_v1_wai_o_s_observer_total');
    expect(names).toContain('gpt_4o_v1_wai_o_s_observer_total_pomp');
    expect(names).not.toContain('gpt_4o_v1_wai_o_s_observer_1');
    const rated = cb.rows.find((r) => r.name === 'gpt_4o_v1_wai_o_s_observer_total')!;
    expect(rated.label).toMatch(/rated by gpt-4o\.v1 \(openai gpt-4o\)$/);
    const total = cb.rows.find((r) => r.name === 'wai_sr_client_total')!;
    expect([total.min, total.max]).toEqual([12, 60]);
    const pomp = cb.rows.find((r) => r.name === 'wai_sr_client_total_pomp')!;
    expect([pomp.min, pomp.max, pomp.type]).toEqual([0, 100, 'number']);
    expect(pomp.scoring).toMatch(/100 × \(score − 12\) \/ \(60 − 12\)/);
    expect(cb.notes.some((n) => /paraphrases/.test(n))).toBe(true);
    await s.close();
  });

  it('renders a REDCap data dictionary that REDCap import reads back, key variables first', async () => {
    const s = await demoStudy();
    const csv = renderStudyCodebook(await studyCodebook(s), 'csv');
    const records = parseCsv(csv);
    expect(records[0]!.fields[0]).toBe('Variable / Field Name');
    expect(records.slice(1, 6).map((r) => r.fields[0])).toEqual(['client', 'therapist', 'session', 'date', 'coder']);
    expect(records.every((r) => r.fields.length === 18)).toBe(true);
    const file = join(tempDir('dict-'), 'dictionary.csv');
    writeFileSync(file, csv);
    const dict = await readDataDictionary(file);
    const item = dict.fields.find((f) => f.name === 'wai_sr_client_3')!;
    expect(item.type).toBe('radio');
    expect([...item.choices!.keys()]).toEqual(['1', '2', '3', '4', '5']);
    expect(dict.fields.find((f) => f.name === 'date')).toMatchObject({ type: 'text', form: 'session_keys' });
    await s.close();
  });

  it('renders Markdown and HTML with the key variables and licence notes above the table', async () => {
    const s = await demoStudy();
    const cb = await studyCodebook(s);
    const md = renderStudyCodebook(cb, 'md');
    expect(md.startsWith('# Pilot: codebook\n')).toBe(true);
    expect(md).toContain('- key variable `session`: Session number');
    expect(md).toMatch(
      /\| srs_client_total_prorated \| [^|]+ \| srs \| client \| scale total prorated \| integer \| 0–1 \|/,
    );
    const html = renderStudyCodebook(cb, 'html');
    expect(html).toContain('<title>Pilot: codebook</title>');
    expect(html).toContain('<td>wai_o_s_observer_agreement_missing</td>');
    await s.close();
  });

  it('names study.json when it schedules an instrument the registry does not know', async () => {
    const s = await demoStudy();
    const file = join(s.dir, 'study.json');
    const config = JSON.parse(readFileSync(file, 'utf8'));
    config.instruments.push({ instrument: 'hag-ii', form: 'client' });
    writeFileSync(file, JSON.stringify(config));
    await s.close();
    // Refused when the study is opened, before the codebook (or any other command) reads it.
    await expect(openStudy(s.dir)).rejects.toThrow(/study\.json: instruments\[2\]: unknown instrument "hag-ii"/);
  });
});
