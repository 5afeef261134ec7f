import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { numbered, parseInput } from '../test-input';
import { parseLong } from '.';
import { tempDir } from '../../../../../../test/support/temp-dir';

const tmp = (text: string) => {
  const p = join(tempDir('long-'), 'long.csv');
  writeFileSync(p, text);
  return p;
};
const srs = { items: numbered(4), range: [0, 10] as [number, number] };

describe('long CSV responses', () => {
  it('groups item rows into one questionnaire per client, session and respondent', async () => {
    const input = parseInput('srs-long.csv', srs);
    const out = await parseLong(input);
    expect(input.errors.count).toBe(0);
    expect(out.rows).toBe(24);
    expect(out.responses).toHaveLength(6);
    const r = out.responses.find((x) => x.client === 'C003' && x.session === 2)!;
    expect(r).toMatchObject({ line: 22, therapist: 'T02', respondent: 'client', submittedAt: '2026-01-21T19:52:00Z' });
    expect(r.values).toEqual([
      { item: '1', raw: '7.6', line: 22, column: 'value' },
      { item: '2', raw: '7.6', line: 23, column: 'value' },
      { item: '3', raw: '7.3', line: 24, column: 'value' },
      { item: '4', raw: '7.5', line: 25, column: 'value' },
    ]);
  });

  it('takes item and value from renamed columns', async () => {
    const p = tmp('pid,visit,q,answer\nP1,2,2,9.5\nP1,2,1,8\n');
    const out = await parseLong(parseInput(p, { ...srs, columns: { client: 'pid', session: 'visit' } }), {
      item: 'q',
      value: 'answer',
    });
    expect(out.responses[0]!.values.map((v) => `${v.item}=${v.raw}`)).toEqual(['2=9.5', '1=8']);
    await expect(parseLong(parseInput(p, srs))).rejects.toThrow(/no client column "client"/);
  });

  it('names the row and column of an unknown item', async () => {
    const input = parseInput('malformed/unknown-item-long.csv', srs);
    await parseLong(input);
    expect(input.errors.items).toEqual([
      {
        file: 'unknown-item-long.csv',
        line: 5,
        column: 'item',
        message: 'unknown item "5"; this form\'s items are 1 … 4',
      },
    ]);
  });

  it('refuses an item given twice and rows that disagree about the session', async () => {
    const input = parseInput(
      tmp('client,session,therapist,item,value\nC1,1,T1,1,5\nC1,1,T1,2,6\nC1,1,T1,1,7\nC1,1,T2,3,6\n'),
      srs,
    );
    const out = await parseLong(input);
    expect(out.responses[0]!.values).toHaveLength(2);
    expect(input.errors.items.map((e) => [e.line, e.column, e.message])).toEqual([
      [4, 'item', 'item 1 of client C1 session 1 (client) is also on line 2; keep one'],
      [5, 'therapist', 'therapist T2 disagrees with T1 on line 2 for the same questionnaire'],
    ]);
  });

  it('keeps coders apart when they rate the same session', async () => {
    const p = tmp('client,session,coder,item,value\nC1,1,K1,1,4\nC1,1,K2,1,5\n');
    const out = await parseLong(parseInput(p, { items: ['1'], respondent: 'coder' }));
    expect(out.responses.map((r) => r.respondent)).toEqual(['K1', 'K2']);
  });
});
