import { describe, expect, it } from 'vitest';
import { fixture, parseAll, tempFile } from '../test-support';
import { jsonFormat } from '.';

describe('canonical JSON import', () => {
  it('reads one session and keeps the utterance ids it gives', async () => {
    const sessions = await parseAll(jsonFormat, fixture('session.json'));
    expect(sessions).toEqual([
      {
        line: 1,
        transcript: {
          client: 'C201',
          therapist: 'T03',
          session: 4,
          date: '2025-02-11',
          utterances: [
            {
              id: 'a1',
              role: 'therapist',
              speaker: 'Therapist',
              text: 'Last week you mentioned wanting to call your brother.',
              start: 0,
              end: 3.6,
            },
            {
              id: 'a2',
              role: 'client',
              speaker: 'Client',
              text: 'I did. It was short, but we talked.',
              start: 4.1,
              end: 6.9,
            },
            { id: 'a3', role: 'therapist', text: 'How was that for you?' },
          ],
        },
      },
    ]);
  });

  it('points schema errors at the line and column of the offending value', async () => {
    // bad-start.json line 7: `    { "id": "x2", "role": "client", "text": "You too.", "start": -1 }`; the -1 is at column 66.
    await expect(parseAll(jsonFormat, fixture('malformed/bad-start.json'))).rejects.toThrow(
      /bad-start\.json, line 7, column 66: utterances\[1\]\.start: Too small: expected number to be >=0/,
    );
  });

  it('refuses an impossible calendar date and an escaped NUL, naming line and column', async () => {
    const feb30 = tempFile(
      'feb30.json',
      '{\n  "client": "C1", "therapist": "T1", "session": 1,\n  "date": "2025-02-30",\n  "utterances": [{ "id": "u1", "role": "client", "text": "Hi" }]\n}\n',
    );
    await expect(parseAll(jsonFormat, feb30)).rejects.toThrow(
      /feb30\.json, line 3, column 11: date: a real calendar date/,
    );
    const leap = tempFile(
      'leap.json',
      '{"client":"C1","therapist":"T1","session":1,"date":"2024-02-29","utterances":[{"id":"u1","role":"client","text":"Hi"}]}',
    );
    expect((await parseAll(jsonFormat, leap))[0]!.transcript.date).toBe('2024-02-29');
    const nul = tempFile(
      'nul.json',
      '{"client":"C1","therapist":"T1","session":1,\n"utterances":[{"id":"u1","role":"client","text":"a\\u0000b"}]}',
    );
    await expect(parseAll(jsonFormat, nul)).rejects.toThrow(
      /nul\.json, line 2, column 49: a NUL character \(\\u0000\) is not text/,
    );
  });

  it('points syntax errors at line and column without quoting the text', async () => {
    const p = tempFile(
      'broken.json',
      '{\n  "client": "C1", "therapist": "T1", "session": 1,\n  "utterances": [{ "id": "u1", "role": "client", "text": "my private words" }\n}\n',
    );
    const err = await parseAll(jsonFormat, p).catch((e: Error) => e);
    expect(String(err)).toMatch(
      /broken\.json, line 4, column 1: not valid JSON: expected "," or "\]" after an array element/,
    );
    expect(String(err)).not.toMatch(/private/);
  });

  it('fills metadata from options and refuses options that contradict the file', async () => {
    const text = '{"client":"C1","session":2,"utterances":[{"id":"u1","role":"client","text":"Hi"}]}';
    const p = tempFile('no-therapist.json', text);
    const [s] = await parseAll(jsonFormat, p, { meta: { therapist: 'T9' } });
    expect(s!.transcript.therapist).toBe('T9');
    const column = text.indexOf('"session":') + '"session":'.length + 1;
    await expect(parseAll(jsonFormat, p, { meta: { session: 3 } })).rejects.toThrow(
      new RegExp(`no-therapist\\.json, line 1, column ${column}: session: the file says 2 but 3 was given`),
    );
    await expect(parseAll(jsonFormat, p)).rejects.toThrow(
      /no-therapist\.json, line 1, column 1: therapist: Invalid input: expected string, received undefined/,
    );
  });

  it('refuses empty files, arrays and duplicate utterance ids', async () => {
    await expect(parseAll(jsonFormat, fixture('malformed/empty.json'))).rejects.toThrow(
      /empty\.json, line 1: the file is empty/,
    );
    await expect(parseAll(jsonFormat, tempFile('array.json', '[]'))).rejects.toThrow(
      /array\.json, line 1, column 1: expected a JSON object/,
    );
    const text =
      '{"client":"C1","therapist":"T1","session":1,"utterances":[{"id":"u1","role":"client","text":"a"},{"id":"u1","role":"client","text":"b"}]}';
    const dup = tempFile('dup.json', text);
    const column = text.lastIndexOf('"u1"') + 1;
    await expect(parseAll(jsonFormat, dup)).rejects.toThrow(
      new RegExp(`dup\\.json, line 1, column ${column}: utterances\\[1\\]\\.id: duplicate utterance id "u1"`),
    );
  });
});
