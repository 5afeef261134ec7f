import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importResponses } from '../import/responses';
import { loadResponseForm } from '../import/responses/form-engine';
import { readDataDictionary } from '../import/responses/redcap/dictionary';
import { FIXTURES } from '../import/responses/test-input';
import { widenScores } from '../export/scores';
import { queryScores } from '../store/scores';
import { initStudy, openStudy, type Study } from '../store/study';
import { parseCsv } from '../util/csv';
import { renderStudyCodebook, studyCodebook } from './codebook';
import { tempDir } from '../../../../test/support/temp-dir';
import { storeKinds, useStore } from '../../../../test/support/stores';

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

describe.each(storeKinds)('study codebook on %s', (kind) => {
  useStore(kind);
  it('documents exactly the columns of the wide score export, and no rater that never ran', async () => {
    const s = await demoStudy();
    await importResponses(s, { file: join(FIXTURES, 'srs-long.csv'), form: loadResponseForm(s.dir, 'srs', 'client') });
    const cb = await studyCodebook(s);
    expect(cb.ids.map((v) => v.name)).toEqual(['session_id', 'client', 'therapist', 'session', 'date']);
    const { header } = widenScores(await queryScores(s.db));
    expect([...cb.ids.map((v) => v.name), ...cb.rows.map((r) => r.name)]).toEqual(header);
    const names = cb.rows.map((r) => r.name);
    expect(names).toContain('client_srs_client_total');
    expect(names).toContain('k01_wai_o_s_observer_total');
    // scheduled but never answered, a rater that never ran, and flag columns no wide export writes
    expect(names.some((n) => n.startsWith('client_wai_sr_client'))).toBe(false);
    expect(names.some((n) => n.startsWith('gpt_4o_v1_'))).toBe(false);
    expect(names.some((n) => /_(pomp|prorated|missing)$/.test(n))).toBe(false);
    const total = cb.rows.find((r) => r.name === 'client_srs_client_total')!;
    expect([total.min, total.max]).toEqual([0, 40]);
    expect(total.label).toMatch(/client's self-report$/);
    expect(cb.rows.find((r) => r.name === 'k01_wai_o_s_observer_total')!.label).toMatch(/rated by coder K01$/);
    expect(cb.notes.some((n) => /paraphrases/.test(n))).toBe(true);
    await s.close();
  });

  it('renders a REDCap data dictionary that REDCap import reads back, key variables first', async () => {
    const s = await demoStudy();
    const csv = renderStudyCodebook(await studyCodebook(s), 'csv');
    const records = parseCsv(csv);
    expect(records[0]!.fields[0]).toBe('Variable / Field Name');
    expect(records.slice(1, 6).map((r) => r.fields[0])).toEqual([
      'session_id',
      'client',
      'therapist',
      'session',
      'date',
    ]);
    expect(records.every((r) => r.fields.length === 18)).toBe(true);
    const file = join(tempDir('dict-'), 'dictionary.csv');
    writeFileSync(file, csv);
    const dict = await readDataDictionary(file);
    expect(dict.fields.find((f) => f.name === 'k02_wai_o_s_observer_total')).toMatchObject({ type: 'text' });
    expect(dict.fields.find((f) => f.name === 'date')).toMatchObject({ type: 'text', form: 'session_keys' });
    await s.close();
  });

  it('renders Markdown and HTML with the key variables and licence notes above the table', async () => {
    const s = await demoStudy();
    const cb = await studyCodebook(s);
    const md = renderStudyCodebook(cb, 'md');
    expect(md.startsWith('# Pilot: codebook\n')).toBe(true);
    expect(md).toContain('- key variable `session`: Session number');
    expect(md).toMatch(/\| k01_wai_o_s_observer_bond \| [^|]+ \| wai-o-s \| observer \| scale bond \| number \|/);
    const html = renderStudyCodebook(cb, 'html');
    expect(html).toContain('<title>Pilot: codebook</title>');
    expect(html).toContain('<td>k02_wai_o_s_observer_agreement</td>');
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
