import { describe, expect, it } from 'vitest';
import { fixture, parseAll, tempFile } from '../test-support';
import { csvFormat } from '.';

describe('CSV import', () => {
  it('reads one row per utterance, grouping consecutive rows into sessions', async () => {
    const sessions = await parseAll(csvFormat, fixture('sessions.csv'));
    expect(sessions.map((s) => s.line)).toEqual([2, 5]);
    expect(sessions[0]!.transcript).toEqual({
      client: 'C101',
      therapist: 'T07',
      session: 1,
      date: '2025-03-04',
      utterances: [
        {
          id: 'u0001',
          role: 'therapist',
          speaker: 'therapist',
          text: 'Thanks for making time today. What would be most useful to focus on?',
          start: 0,
          end: 4.5,
        },
        {
          id: 'u0002',
          role: 'client',
          speaker: 'client',
          text: 'I guess the panic in the car, it keeps coming back.',
          start: 5,
          end: 9.25,
        },
        {
          id: 'u0003',
          role: 'therapist',
          speaker: 'therapist',
          text: 'When it comes back, what is the first thing you notice?',
          start: 9.8,
          end: 13,
        },
      ],
    });
    expect(sessions[1]!.transcript.utterances).toEqual([
      { id: 'u0001', role: 'therapist', speaker: 'therapist', text: 'Good to see you again.', start: 1, end: 3 },
      {
        id: 'u0002',
        role: 'client',
        speaker: 'client',
        text: 'He said "just relax", which did not help.',
        start: 4,
        end: 8.5,
      },
    ]);
  });

  it('takes column names and whole-file values from options, and keeps given utterance ids', async () => {
    const p = tempFile(
      'export.csv',
      'dyad,who,said,at,uid\nK9,Counsellor,Hello,00:00:05,7\nK9,Patient,Hi,1:02:03.5,8\n',
    );
    const [s] = await parseAll(csvFormat, p, {
      columns: { client: 'dyad', speaker: 'who', text: 'said', start: 'at', id: 'uid' },
      meta: { therapist: 'T1', session: 2 },
      speakers: ['Counsellor=therapist', 'Patient=client'],
    });
    expect(s!.transcript).toEqual({
      client: 'K9',
      therapist: 'T1',
      session: 2,
      utterances: [
        { id: '7', role: 'therapist', speaker: 'Counsellor', text: 'Hello', start: 5 },
        { id: '8', role: 'client', speaker: 'Patient', text: 'Hi', start: 3723.5 },
      ],
    });
  });

  it('names file, line and column for broken quoting, bad times and bad session numbers', async () => {
    await expect(parseAll(csvFormat, fixture('malformed/broken-quoting.csv'))).rejects.toThrow(
      /broken-quoting\.csv, line 3, column 28: a quote inside an unquoted field/,
    );
    await expect(parseAll(csvFormat, fixture('malformed/unclosed-quote.csv'))).rejects.toThrow(
      /unclosed-quote\.csv, line 3: a quoted field opened at column 19 is never closed/,
    );
    await expect(parseAll(csvFormat, fixture('malformed/bad-timestamp.csv'))).rejects.toThrow(
      /bad-timestamp\.csv, line 4, column "start": expected start as seconds \(75\.5\) or a time like 00:01:15, found "0:1:2:3"/,
    );
    const p = tempFile('bad-session.csv', 'client,therapist,session,speaker,text\nC1,T1,first,client,Hi\n');
    await expect(parseAll(csvFormat, p)).rejects.toThrow(
      /bad-session\.csv, line 2, column "session": expected a session number/,
    );
  });

  it('refuses an impossible calendar date, naming line and column', async () => {
    const p = tempFile(
      'feb30.csv',
      'client,therapist,session,date,speaker,text\nC1,T1,1,2025-02-28,client,Hi\nC2,T1,1,2025-02-30,client,Hi\n',
    );
    await expect(parseAll(csvFormat, p)).rejects.toThrow(
      /feb30\.csv, line 3, column "date": expected a real calendar date; that day does not exist/,
    );
  });

  it('lists unmapped speakers, and refuses empty and Latin-1 files', async () => {
    await expect(parseAll(csvFormat, fixture('malformed/unknown-speaker.csv'))).rejects.toThrow(
      /unknown-speaker\.csv, line 4: a speaker is not mapped to a role: "partner" \(line 4\)/,
    );
    await expect(parseAll(csvFormat, fixture('malformed/empty.csv'))).rejects.toThrow(
      /empty\.csv, line 1: the file is empty/,
    );
    await expect(parseAll(csvFormat, fixture('malformed/latin1.csv'))).rejects.toThrow(
      /latin1\.csv, line 3: not valid UTF-8 text \(byte 0xe9\)/,
    );
  });

  it('explains missing columns and split-up sessions', async () => {
    const noText = tempFile('no-text.csv', 'client,therapist,session,speaker,utterance\nC1,T1,1,client,Hi\n');
    await expect(parseAll(csvFormat, noText)).rejects.toThrow(
      /no-text\.csv, line 1: no text column; name it "text" or map it with --columns text=HEADER; the header has/,
    );
    await expect(parseAll(csvFormat, noText, { columns: { text: 'said' } })).rejects.toThrow(
      /no column "said" \(named with --columns text=said\)/,
    );
    const split = tempFile(
      'split.csv',
      'client,therapist,session,speaker,text\nC1,T1,1,client,a\nC2,T1,1,client,b\nC1,T1,1,therapist,c\n',
    );
    await expect(parseAll(csvFormat, split)).rejects.toThrow(
      /split\.csv, line 4: rows of client C1 session 1 appear again here after other sessions \(they start on line 2\)/,
    );
  });

  it('reads an AnnoMI-shaped export as it is, with a column map', async () => {
    // Same columns, quoting and timestamp quirks as AnnoMI-simple.csv (whose own copy is not in the repository;
    // `npm run check:annomi -- PATH` reads the real one): invented text, two transcripts.
    const sessions = await parseAll(csvFormat, fixture('annomi-shaped.csv'), {
      columns: {
        client: 'transcript_id',
        speaker: 'interlocutor',
        text: 'utterance_text',
        start: 'timestamp',
        id: 'utterance_id',
      },
      meta: { therapist: 'annomi', session: 1 },
    });
    expect(sessions.map((s) => [s.transcript.client, s.transcript.utterances.length])).toEqual([
      ['0', 4],
      ['1', 6],
    ]);
    const first = sessions[0]!.transcript.utterances;
    expect(first[2]).toMatchObject({ id: '2', role: 'therapist', start: 13 });
    expect(first[2]!.text).toBe(
      'So, it sounds like the late screens have been keeping you up-- most nights, actually.',
    );
    // AnnoMI stamps one utterance "00:09:025": read as 9 min 25 s (565 s), between 00:00:12 and 00:09:52.
    expect(sessions[1]!.transcript.utterances.find((u) => u.id === '4')!.start).toBe(565);
  });
});
