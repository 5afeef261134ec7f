import { describe, expect, it } from 'vitest';
import { fixture, parseAll, tempFile } from '../test-support';
import { srtFormat } from '.';

const meta = { client: 'C05', therapist: 'T01', session: 7 };

describe('SRT import', () => {
  it('reads numbered cues with "Name:" prefixes; unprefixed lines continue the speaker', async () => {
    const [s] = await parseAll(srtFormat, fixture('session.srt'), { meta, speakers: ['Jordan=client'] });
    expect(s!.line).toBe(3);
    expect(s!.transcript).toEqual({
      ...meta,
      utterances: [
        {
          id: 'u0001',
          role: 'therapist',
          speaker: 'Therapist',
          text: "Last time we talked about your sister's visit.",
          start: 0.5,
          end: 3.25,
        },
        {
          id: 'u0002',
          role: 'client',
          speaker: 'Jordan',
          text: 'It went better than I expected. We actually laughed a couple of times.',
          start: 3.9,
          end: 7,
        },
        {
          id: 'u0003',
          role: 'therapist',
          speaker: 'Therapist',
          text: 'What do you think made the difference?',
          start: 7.4,
          end: 9.8,
        },
        {
          id: 'u0004',
          role: 'client',
          speaker: 'Jordan',
          text: 'I think I stopped trying to fix everything for her.',
          start: 10.1,
          end: 14.6,
        },
      ],
    });
  });

  it('accepts "." as the millisecond separator, as many tools write it, and strips <i>/<font> markup', async () => {
    const p = tempFile(
      'dots.srt',
      '1\n00:00:01.000 --> 00:00:02.500\n<font color="#ffff00">T:</font> <i>Hello</i> there.\n',
    );
    const [s] = await parseAll(srtFormat, p, { meta });
    expect(s!.transcript.utterances).toEqual([
      { id: 'u0001', role: 'therapist', speaker: 'T', text: 'Hello there.', start: 1, end: 2.5 },
    ]);
  });

  it('refuses a repeated or decreasing cue number, naming both lines; sorts cues by time with a warning', async () => {
    const dup = tempFile(
      'dup.srt',
      '1\n00:00:01,000 --> 00:00:02,000\nT: Hi.\n\n2\n00:00:03,000 --> 00:00:04,000\nC: Hello.\n\n2\n00:00:05,000 --> 00:00:06,000\nT: Again.\n',
    );
    await expect(parseAll(srtFormat, dup, { meta })).rejects.toThrow(
      /dup\.srt, line 9, column 1: cue number 2 is used again here \(first on line 5\)/,
    );
    const down = tempFile(
      'down.srt',
      '1\n00:00:01,000 --> 00:00:02,000\nT: Hi.\n\n3\n00:00:03,000 --> 00:00:04,000\nC: Hello.\n\n2\n00:00:05,000 --> 00:00:06,000\nT: Again.\n',
    );
    await expect(parseAll(srtFormat, down, { meta })).rejects.toThrow(
      /down\.srt, line 9, column 1: cue number 2 comes after cue 3 \(line 5\)/,
    );
    const late = tempFile(
      'late.srt',
      '1\n00:00:05,000 --> 00:00:06,000\nT: Second.\n\n2\n00:00:01,000 --> 00:00:02,000\nC: First.\n',
    );
    const warnings: string[] = [];
    const [s] = await parseAll(srtFormat, late, { meta, warn: (m) => warnings.push(m) });
    expect(s!.transcript.utterances.map((u) => u.text)).toEqual(['First.', 'Second.']);
    expect(warnings).toEqual([expect.stringMatching(/late\.srt, line 6: a cue starts before the cue above it/)]);
  });

  it('names the line and column of a bad time', async () => {
    await expect(parseAll(srtFormat, fixture('malformed/bad-timestamp.srt'), { meta })).rejects.toThrow(
      /bad-timestamp\.srt, line 14, column 1: expected a cue start time like 00:00:01,000, found "00:01:75,100"/,
    );
  });

  it('lists all unmapped speakers', async () => {
    await expect(parseAll(srtFormat, fixture('malformed/unknown-speaker.srt'), { meta })).rejects.toThrow(
      /unknown-speaker\.srt, line 7: 2 speakers are not mapped to a role: "Casey" \(line 7\), "Robin" \(line 11\)/,
    );
  });

  it('needs a timing line after the cue number, and refuses empty files', async () => {
    const p = tempFile('no-timing.srt', '1\n00:00:01,000 --> 00:00:02,000\nT: Hi.\n\n2\nC: Hello.\n');
    await expect(parseAll(srtFormat, p, { meta })).rejects.toThrow(
      /no-timing\.srt, line 6, column 1: expected a timing line .* after the cue number/,
    );
    await expect(parseAll(srtFormat, fixture('malformed/empty.srt'), { meta })).rejects.toThrow(
      /empty\.srt, line 1: the file is empty/,
    );
  });
});
