import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, parseInput } from '../test-input';
import { qualtricsTime } from './time';
import { parseQualtrics } from '.';
import { tempDir } from '../../../../../../test/support/temp-dir';

const tmp = (name: string, text: string) => {
  const p = join(tempDir('qualtrics-'), name);
  writeFileSync(p, text);
  return p;
};

describe('Qualtrics export', () => {
  it('reads the three header rows, skips the preview and the abandoned response, and converts the end time to UTC', async () => {
    const input = parseInput('qualtrics-export.csv');
    const out = await parseQualtrics(input);
    expect(input.errors.items).toEqual([]);
    expect(out).toMatchObject({ rows: 6, skipped: 2 });
    expect(out.responses.map((r) => `${r.client}/${r.session}/${r.therapist}`)).toEqual([
      'C101/1/T03',
      'C102/1/T03',
      'C101/2/T03',
      'C102/2/T03',
    ]);
    // 14:05:44 in Denver in March (before DST starts on the 8th) is UTC-7
    expect(out.responses[0]!.submittedAt).toBe('2026-03-02T21:05:44.000Z');
    // after DST starts, UTC-6
    expect(out.responses[2]!.submittedAt).toBe('2026-03-09T20:13:22.000Z');
    expect(out.responses[3]!.values[6]).toEqual({ item: '7', raw: '', line: 9, column: 'Q1_7' });
  });

  it('uses a --map file of ImportIds and gives the same values', async () => {
    const auto = await parseQualtrics(parseInput('qualtrics-export.csv'));
    const mapped = await parseQualtrics(parseInput('qualtrics-export.csv'), {
      map: join(FIXTURES, 'qualtrics-map.csv'),
    });
    expect(mapped.responses).toEqual(auto.responses);
    const bad = tmp(
      'map.csv',
      `question,item\n${Array.from({ length: 12 }, (_, i) => `QID${i === 3 ? 9 : 1}_${i + 1},${i + 1}`).join('\n')}\n`,
    );
    await expect(parseQualtrics(parseInput('qualtrics-export.csv'), { map: bad })).rejects.toThrow(
      /map\.csv, line 5, column "question": the export has no column or ImportId "QID9_4"/,
    );
  });

  it('refuses an export without the ImportId row', async () => {
    await expect(parseQualtrics(parseInput('malformed/qualtrics-no-importid-row.csv'))).rejects.toThrow(
      /qualtrics-no-importid-row\.csv, line 3: expected Qualtrics' three header rows/,
    );
  });

  it('names the row of an unknown response type and suggests ExternalReference for the client', async () => {
    const text = readFileSync(join(FIXTURES, 'qualtrics-export.csv'), 'utf8').replace(
      '2026-03-03 16:33:10,0,',
      '2026-03-03 16:33:10,Maybe,',
    );
    const input = parseInput(tmp('status.csv', text));
    await parseQualtrics(input);
    expect(input.errors.items).toEqual([
      { file: 'status.csv', line: 6, column: 'Status', message: 'unknown response type "Maybe"' },
    ]);
    await expect(parseQualtrics(parseInput('qualtrics-export.csv', { columns: { client: 'pid' } }))).rejects.toThrow(
      /no client column "pid"; name it with --client-column \(ExternalReference holds/,
    );
  });

  it('names the row and column of an end date that is not on the calendar', async () => {
    const text = readFileSync(join(FIXTURES, 'qualtrics-export.csv'), 'utf8').replace(
      '2026-03-02 14:05:44,0',
      '2026-02-30 14:05:44,0',
    );
    const input = parseInput(tmp('feb30.csv', text));
    await parseQualtrics(input);
    expect(input.errors.items).toEqual([
      { file: 'feb30.csv', line: 5, column: 'EndDate', message: '"2026-02-30 14:05:44" is not a day on the calendar' },
    ]);
  });

  it('converts wall-clock times across daylight saving', () => {
    expect(qualtricsTime('2026-07-01 12:00:00', 'Europe/Berlin')).toBe('2026-07-01T10:00:00.000Z');
    expect(qualtricsTime('2026-01-01 12:00:00', 'Europe/Berlin')).toBe('2026-01-01T11:00:00.000Z');
    expect(qualtricsTime('2026-07-01T12:00:00Z', undefined)).toBe('2026-07-01T12:00:00.000Z');
    expect(qualtricsTime('2026-07-01 12:00:00', undefined)).toBeUndefined();
    expect(qualtricsTime('2025-02-30 12:00:00', 'Europe/Berlin')).toBeUndefined();
    expect(qualtricsTime('2025-02-30T12:00:00Z', undefined)).toBeUndefined();
  });
});
