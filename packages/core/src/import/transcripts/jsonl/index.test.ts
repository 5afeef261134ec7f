import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, parseAll, tempFile } from '../test-support';
import { jsonlFormat } from '.';

describe('JSON Lines import', () => {
  it('reads one session per line, skipping blank lines', async () => {
    const sessions = await parseAll(jsonlFormat, fixture('sessions.jsonl'));
    expect(
      sessions.map((s) => [s.line, s.transcript.client, s.transcript.session, s.transcript.utterances.length]),
    ).toEqual([
      [1, 'C301', 1, 2],
      [2, 'C301', 2, 3],
      [4, 'C302', 1, 2],
    ]);
    expect(sessions[0]!.transcript.date).toBe('2025-01-06');
    expect(sessions[2]!.transcript.utterances[0]).toEqual({
      id: 'u0001',
      role: 'therapist',
      speaker: 'Dr. Okafor',
      text: 'Shall we set an agenda for today?',
    });
  });

  it('names the line and column of a syntax error', async () => {
    const line3 = readFileSync(fixture('malformed/broken-line.jsonl'), 'utf8').split('\n')[2]!;
    // The second utterance object follows the first without a comma.
    const column = line3.indexOf('} {') + 3;
    await expect(parseAll(jsonlFormat, fixture('malformed/broken-line.jsonl'))).rejects.toThrow(
      new RegExp(
        `broken-line\\.jsonl, line 3, column ${column}: not valid JSON: expected "," or "\\]" after an array element`,
      ),
    );
  });

  it('names the line and column of a schema error', async () => {
    const line2 = readFileSync(fixture('malformed/bad-role.jsonl'), 'utf8').split('\n')[1]!;
    const column = line2.indexOf('"coach"') + 1;
    await expect(parseAll(jsonlFormat, fixture('malformed/bad-role.jsonl'))).rejects.toThrow(
      new RegExp(
        `bad-role\\.jsonl, line 2, column ${column}: utterances\\[1\\]\\.role: Invalid option: expected one of "therapist"\\|"client"\\|"other"`,
      ),
    );
  });

  it('refuses an escaped NUL on any line, and reads an escaped backslash before "u0000" as text', async () => {
    const ok = '{"client":"C1","therapist":"T1","session":1,"utterances":[{"id":"u1","role":"client","text":"Hi"}]}';
    const nul = tempFile(
      'nul.jsonl',
      `${ok}\n{"client":"C1","therapist":"T1","session":2,"utterances":[{"id":"u1","role":"client","t\\u0000":"x","text":"a"}]}\n`,
    );
    await expect(parseAll(jsonlFormat, nul)).rejects.toThrow(
      /nul\.jsonl, line 2, column \d+: a NUL character \(\\u0000\) is not text/,
    );
    const backslash = tempFile(
      'backslash.jsonl',
      '{"client":"C1","therapist":"T1","session":1,"utterances":[{"id":"u1","role":"client","text":"C:\\\\u0000"}]}\n',
    );
    const [session] = await parseAll(jsonlFormat, backslash);
    expect(session!.transcript.utterances[0]!.text).toBe('C:\\u0000');
  });

  it('refuses an empty file', async () => {
    await expect(parseAll(jsonlFormat, fixture('malformed/empty.jsonl'))).rejects.toThrow(
      /empty\.jsonl, line 1: the file is empty/,
    );
  });
});
