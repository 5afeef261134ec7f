import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../util/errors';
import { parseInput } from '../test-input';
import { parseWide } from '.';
import { tempDir } from '../../../../../../test/support/temp-dir';

const tmp = (name: string, text: string) => {
  const p = join(tempDir('wide-'), name);
  writeFileSync(p, text);
  return p;
};

describe('wide CSV responses', () => {
  it('reads one questionnaire per row with its ids, keeping empty cells as unanswered', async () => {
    const input = parseInput('wai-sr-wide.csv');
    const out = await parseWide(input);
    expect(input.errors.count).toBe(0);
    expect(out.rows).toBe(12);
    expect(out.responses).toHaveLength(12);
    const r = out.responses.find((x) => x.client === 'C002' && x.session === 2)!;
    expect(r).toMatchObject({ therapist: 'T01', date: '2026-01-20', respondent: 'client', line: 6 });
    expect(r.values.find((v) => v.item === '9')).toEqual({ item: '9', raw: '', line: 6, column: '9' });
    expect(r.values.map((v) => v.raw).join(',')).toBe('4,4,5,4,4,5,5,5,,5,5,4');
  });

  it('reads coders as respondents of observer forms and requires the coder column', async () => {
    const out = await parseWide(parseInput('coders-wai-o-s.csv', { respondent: 'coder' }));
    expect(out.responses.map((r) => `${r.client}/${r.session}/${r.respondent}`)).toEqual([
      'C001/1/K01',
      'C001/1/K02',
      'C002/2/K01',
      'C002/2/K02',
      'C003/1/K01',
      'C003/1/K02',
    ]);
    await expect(parseWide(parseInput('wai-sr-wide.csv', { respondent: 'coder' }))).rejects.toThrow(
      /wai-sr-wide\.csv, line 1: no coder column "coder" \(observer ratings name their coder/,
    );
  });

  it('honours renamed id columns', async () => {
    const p = tmp('renamed.csv', 'pid,visit,clin,1,2\nP-7,3,T9,4,5\n');
    const out = await parseWide(
      parseInput(p, { items: ['1', '2'], columns: { client: 'pid', session: 'visit', therapist: 'clin' } }),
    );
    expect(out.responses[0]).toMatchObject({ client: 'P-7', session: 3, therapist: 'T9' });
  });

  it('refuses a column that is neither an id nor an item, naming it', async () => {
    const err = await parseWide(parseInput('malformed/unknown-item.csv')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).location).toEqual({ file: 'unknown-item.csv', line: 1, column: '13' });
    expect((err as Error).message).toMatch(
      /column "13" is neither an id column \(client, session, therapist, date\) nor an item id of this form \(1 … 12\)/,
    );
  });

  it('refuses a file missing an item column', async () => {
    const p = tmp('short.csv', 'client,session,1,2\nC1,1,3,4\n');
    await expect(parseWide(parseInput(p, { items: ['1', '2', '3'] }))).rejects.toThrow(/no column for item 3/);
  });

  it('collects bad ids per row, naming line and column, and leaves those rows out', async () => {
    const input = parseInput('malformed/missing-id.csv');
    const out = await parseWide(input);
    expect(out.responses).toHaveLength(1);
    expect(input.errors.items).toEqual([
      { file: 'missing-id.csv', line: 3, column: 'client', message: 'the client id is empty' },
    ]);
    const p = tmp('bad-ids.csv', 'client,session,date,1\nJane Doe,0,2026-13-01,4\n');
    const more = parseInput(p, { items: ['1'] });
    await parseWide(more);
    expect(more.errors.items.map((e) => e.column)).toEqual(['client', 'session', 'date']);
    expect(more.errors.items[1]!.message).toBe('session must be a whole number from 1, found "0"');
  });

  it('skips rows with ids but no answers', async () => {
    const p = tmp('blank.csv', 'client,session,1,2\nC1,1,,\nC1,2,3,\n');
    const out = await parseWide(parseInput(p, { items: ['1', '2'] }));
    expect(out).toMatchObject({ rows: 2, skipped: 1 });
    expect(out.responses.map((r) => r.session)).toEqual([2]);
  });

  it('fails on broken quoting, wrong encoding, an empty file and a header without rows, naming the line', async () => {
    await expect(parseWide(parseInput('malformed/broken-quoting.csv'))).rejects.toThrow(
      /broken-quoting\.csv, line 3: a quoted field opened at column 12 is never closed/,
    );
    await expect(parseWide(parseInput('malformed/latin1.csv'))).rejects.toThrow(
      /latin1\.csv, line 3: not valid UTF-8 text \(byte 0xe9\)/,
    );
    await expect(parseWide(parseInput('malformed/empty.csv'))).rejects.toThrow(/empty\.csv, line 1: the file is empty/);
    await expect(parseWide(parseInput('malformed/header-only.csv'))).rejects.toThrow(
      /header-only\.csv, line 2: the file has a header but no data rows/,
    );
  });
});
