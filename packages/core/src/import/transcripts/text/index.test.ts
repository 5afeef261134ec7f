import { describe, expect, it } from 'vitest';
import { fixture, parseAll, tempFile } from '../test-support';
import { textFormat } from '.';

const meta = { client: 'C11', therapist: 'T03', session: 2, date: '2026-01-20' };

describe('plain-text import', () => {
  it('reads T:/C: and Therapist:/Client: prefixes; continuation lines join the turn above', async () => {
    const [s] = await parseAll(textFormat, fixture('session.txt'), { meta });
    expect(s!.transcript).toEqual({
      ...meta,
      utterances: [
        { id: 'u0001', role: 'therapist', speaker: 'T', text: 'Welcome back. Where would you like to start today?' },
        {
          id: 'u0002',
          role: 'client',
          speaker: 'C',
          text: 'Probably with the argument I had with my manager. It has been on my mind all week.',
        },
        { id: 'u0003', role: 'therapist', speaker: 'T', text: 'Okay. What stays with you most about it?' },
        { id: 'u0004', role: 'client', speaker: 'C', text: "That I didn't say what I meant." },
        { id: 'u0005', role: 'therapist', speaker: 'Therapist', text: 'So part of you wishes you had spoken up.' },
        { id: 'u0006', role: 'client', speaker: 'Client', text: 'Yes, exactly.' },
      ],
    });
  });

  it('keeps consecutive turns of one speaker apart, and maps names given with --speakers', async () => {
    const p = tempFile('names.txt', 'dr. lee: First point.\nDr. Lee: Second point.\nSam: Okay: that is fair.\n');
    const [s] = await parseAll(textFormat, p, { meta, speakers: ['Dr. Lee=therapist', 'Sam=client'] });
    expect(s!.transcript.utterances.map((u) => [u.role, u.speaker, u.text])).toEqual([
      ['therapist', 'dr. lee', 'First point.'],
      ['therapist', 'Dr. Lee', 'Second point.'],
      ['client', 'Sam', 'Okay: that is fair.'],
    ]);
  });

  it("reads the labels other fields give the two roles, such as ESConv's seeker and supporter", async () => {
    const p = tempFile(
      'support.txt',
      'seeker: I have been so stressed about exams.\nSupporter: That sounds exhausting. What worries you most?\nHelp-Seeker: Failing.\nCounselor: Okay.\nPatient: Yes.\n',
    );
    const [s] = await parseAll(textFormat, p, { meta });
    expect(s!.transcript.utterances.map((u) => [u.role, u.speaker])).toEqual([
      ['client', 'seeker'],
      ['therapist', 'Supporter'],
      ['client', 'Help-Seeker'],
      ['therapist', 'Counselor'],
      ['client', 'Patient'],
    ]);
  });

  it('refuses text before the first speaker, unmapped names, empty files and Latin-1 bytes', async () => {
    await expect(parseAll(textFormat, fixture('malformed/no-prefix.txt'), { meta })).rejects.toThrow(
      /no-prefix\.txt, line 1, column 1: text with no speaker before any speaker is named; expected a speaker prefix such as "T:"/,
    );
    const p = tempFile('unmapped.txt', 'T: Hello.\nPat: Hi.\nC: Hey.\n');
    await expect(parseAll(textFormat, p, { meta })).rejects.toThrow(
      /unmapped\.txt, line 2: a speaker is not mapped to a role: "Pat" \(line 2\)/,
    );
    await expect(parseAll(textFormat, fixture('malformed/empty.txt'), { meta })).rejects.toThrow(
      /empty\.txt, line 1: the file is empty/,
    );
    await expect(parseAll(textFormat, fixture('malformed/latin1.txt'), { meta })).rejects.toThrow(
      /latin1\.txt, line 1: not valid UTF-8 text \(byte 0xe7\)/,
    );
  });

  it('reports a bad --date against the option, not a line of the file', async () => {
    await expect(
      parseAll(textFormat, fixture('session.txt'), { meta: { ...meta, date: '2026-13-45' } }),
    ).rejects.toThrow(/session\.txt, line 1, column "--date": date: a real calendar date/);
    await expect(
      parseAll(textFormat, fixture('session.txt'), { meta: { ...meta, date: '2025-02-30' } }),
    ).rejects.toThrow(/session\.txt, line 1, column "--date": date: a real calendar date/);
  });

  it('refuses a raw NUL byte, naming line and column', async () => {
    const p = tempFile('nul.txt', 'T: Hello.\nC: Hi\u0000 there.\n');
    await expect(parseAll(textFormat, p, { meta })).rejects.toThrow(/nul\.txt, line 2, column 6: a NUL byte/);
  });
});
