import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, numbered, parseInput } from '../test-input';
import { eventMapper } from './events';
import { parseRedcap } from '.';
import { tempDir } from '../../../../../../test/support/temp-dir';

const dictionary = join(FIXTURES, 'redcap-dictionary.csv');
const tmp = (name: string, text: string) => {
  const p = join(tempDir('redcap-'), name);
  writeFileSync(p, text);
  return p;
};

describe('REDCap export', () => {
  it('reads a longitudinal export: record id as client, event as session, therapist from the enrolment event', async () => {
    const input = parseInput('redcap-export.csv', { columns: { date: 'session_date' } });
    const out = await parseRedcap(input, { dictionary });
    expect(input.errors.items).toEqual([]);
    // 3 enrolment rows and R-102's empty session 3 carry no WAI-SR answers
    expect(out).toMatchObject({ rows: 12, skipped: 4 });
    expect(out.responses.map((r) => `${r.client}/${r.session}/${r.therapist}/${r.date}`)).toEqual([
      'R-101/1/T01/2026-02-09',
      'R-101/2/T01/2026-02-16',
      'R-101/3/T01/2026-02-23',
      'R-102/1/T02/2026-02-10',
      'R-102/2/T02/2026-02-17',
      'R-103/1/T01/2026-02-11',
      'R-103/2/T01/2026-02-18',
      'R-103/3/T01/2026-02-25',
    ]);
    expect(out.responses[0]!.values[0]).toEqual({ item: '1', raw: '5', line: 3, column: 'wai_1' });
  });

  it('finds the SRS fields of the same project by their numbering', async () => {
    const input = parseInput('redcap-export.csv', { items: numbered(4), range: [0, 10] });
    const out = await parseRedcap(input, { dictionary });
    expect(out.responses).toHaveLength(8);
    expect(out.responses[0]!.values.map((v) => `${v.column}=${v.raw}`)).toEqual([
      'srs_1=8.8',
      'srs_2=8.5',
      'srs_3=8.3',
      'srs_4=7.9',
    ]);
  });

  it('takes sessions from repeat instances of a repeating instrument', async () => {
    const input = parseInput('redcap-repeating-export.csv');
    const out = await parseRedcap(input, { dictionary });
    expect(input.errors.count).toBe(0);
    expect(out.responses.map((r) => `${r.client}/${r.session}/${r.therapist}`)).toEqual([
      'R-101/1/T01',
      'R-101/2/T01',
      'R-102/1/T02',
      'R-102/2/T02',
    ]);
    expect(out.skipped).toBe(2);
  });

  it('maps events through --events, and names the row of an event it cannot place', async () => {
    const text = readFileSync(join(FIXTURES, 'redcap-export.csv'), 'utf8')
      .replace(/session_(\d)_arm_1/g, 'week_$1_arm_1')
      .replaceAll('week_3_arm_1', 'followup_arm_1');
    const p = tmp('weeks.csv', text);
    const listed = parseInput(p);
    const out = await parseRedcap(listed, { dictionary, events: 'week_1_arm_1=1,week_2_arm_1=2,followup_arm_1=3' });
    expect(listed.errors.count).toBe(0);
    expect(out.responses.filter((r) => r.client === 'R-101').map((r) => r.session)).toEqual([1, 2, 3]);

    const pattern = parseInput(p);
    await parseRedcap(pattern, { dictionary, events: 'week_{n}_arm_*' });
    // R-102 has no answers at follow-up, so only R-101's and R-103's rows are refused
    expect(pattern.errors.items.map((e) => e.line)).toEqual([5, 13]);
    expect(pattern.errors.items[0]).toMatchObject({ file: 'weeks.csv', line: 5, column: 'redcap_event_name' });
    expect(pattern.errors.items[0]!.message).toMatch(
      /event "followup_arm_1" gives no session index under the event pattern week_\{n\}_arm_\*; pass --events/,
    );
  });

  it('refuses a dictionary whose choice codes the scale does not allow, naming the dictionary line', async () => {
    const input = parseInput('redcap-export.csv');
    await parseRedcap(input, { dictionary: join(FIXTURES, 'malformed/redcap-dictionary-zero-based.csv') });
    const codeErrors = input.errors.items.filter((e) => e.file === 'redcap-dictionary-zero-based.csv');
    expect(codeErrors).toHaveLength(12);
    expect(codeErrors[0]).toEqual({
      file: 'redcap-dictionary-zero-based.csv',
      line: 6,
      column: 'Choices, Calculations, OR Slider Labels',
      message: 'field wai_1 (item 1) has choice code 0, which the scale does not allow: not a whole number from 1 to 5',
    });
  });

  it('uses a --map file, and refuses a mapped field the dictionary lacks', async () => {
    const map = tmp(
      'map.csv',
      `field,item\n${numbered(12)
        .map((i) => `wai_${13 - Number(i)},${i}`)
        .join('\n')}\n`,
    );
    const out = await parseRedcap(parseInput('redcap-export.csv'), { dictionary, map });
    expect(out.responses[0]!.values[0]).toMatchObject({ item: '1', column: 'wai_12' });
    const bad = tmp(
      'bad-map.csv',
      `field,item\n${numbered(12)
        .map((i) => `${i === '7' ? 'wai_seven' : `wai_${i}`},${i}`)
        .join('\n')}\n`,
    );
    await expect(parseRedcap(parseInput('redcap-export.csv'), { dictionary, map: bad })).rejects.toThrow(
      /bad-map\.csv, line 8, column "field": field "wai_seven" is not in the data dictionary/,
    );
  });

  it('turns choice labels back into codes', async () => {
    const text = readFileSync(join(FIXTURES, 'redcap-repeating-export.csv'), 'utf8').replace(
      'wai_sr,1,,,,3,5',
      'wai_sr,1,,,,Fairly often,always',
    );
    const out = await parseRedcap(parseInput(tmp('labels.csv', text)), { dictionary });
    expect(out.responses[0]!.values.slice(0, 2).map((v) => v.raw)).toEqual(['3', '5']);
  });

  it('refuses a dictionary that is not one', async () => {
    await expect(
      parseRedcap(parseInput('redcap-export.csv'), { dictionary: join(FIXTURES, 'wai-sr-wide.csv') }),
    ).rejects.toThrow(/wai-sr-wide\.csv, line 1: not a REDCap data dictionary: no "Variable \/ Field Name" column/);
  });
});

describe('REDCap event names', () => {
  it('reads the session number by the default pattern, a custom pattern or a list', () => {
    const def = eventMapper();
    expect([def('session_3_arm_1'), def('visit_12_arm_2'), def('baseline_arm_1')]).toEqual([3, 12, undefined]);
    expect(eventMapper('s{n}')('s07')).toBe(7);
    expect(eventMapper('intake_arm_1=1, week_4_arm_1=2')('week_4_arm_1')).toBe(2);
    expect(() => eventMapper('session_arm_1')).toThrow(/needs exactly one \{n\}/);
    expect(() => eventMapper('a=1,b=zero')).toThrow(/"b=zero" should be EVENT=SESSION/);
  });
});
