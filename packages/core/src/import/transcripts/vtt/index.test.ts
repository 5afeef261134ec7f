import { describe, expect, it } from 'vitest';
import { fixture, parseAll, tempFile as tmp } from '../test-support';
import { vttFormat } from '.';

const meta = { client: 'C01', therapist: 'T02', session: 3, date: '2026-02-03' };

describe('WebVTT import', () => {
  it('reads a Zoom-style file with voice tags, merging consecutive cues of one speaker', async () => {
    const [s] = await parseAll(vttFormat, fixture('zoom-session.vtt'), {
      meta,
      speakers: ['Dr. Lee=therapist', 'Sam=client'],
    });
    expect(s!.transcript).toEqual({
      ...meta,
      utterances: [
        {
          id: 'u0001',
          role: 'therapist',
          speaker: 'Dr. Lee',
          text: 'Hi Sam, thanks for coming in. How has the week been?',
          start: 1.2,
          end: 4.8,
        },
        {
          id: 'u0002',
          role: 'client',
          speaker: 'Sam',
          text: "Honestly, kind of rough. Work has been piling up and I haven't been sleeping much.",
          start: 5.1,
          end: 12.4,
        },
        {
          id: 'u0003',
          role: 'therapist',
          speaker: 'Dr. Lee',
          text: 'That sounds exhausting. Would it be okay to start there today?',
          start: 13,
          end: 18.25,
        },
        { id: 'u0004', role: 'client', speaker: 'Sam', text: "Yeah, I'd like that.", start: 18.9, end: 20.1 },
      ],
    });
  });

  it('reads a Teams-style file: CRLF, NOTE block, GUID cue ids, closing </v>, entities', async () => {
    const [s] = await parseAll(vttFormat, fixture('teams-session.vtt'), {
      meta,
      speakers: ['Morgan Hale=therapist', 'alex  rivera=client'],
    });
    const u = s!.transcript.utterances;
    expect(u.map((x) => [x.id, x.role, x.speaker, x.start, x.end])).toEqual([
      ['u0001', 'therapist', 'Morgan Hale', 2.34, 6.12],
      ['u0002', 'client', 'Alex Rivera', 6.8, 11.045],
      ['u0003', 'therapist', 'Morgan Hale', 11.5, 18.76],
      ['u0004', 'client', 'Alex Rivera', 19.2, 62.5],
    ]);
    expect(u[1]!.text).toBe('I tried the breathing exercise twice. It helped a little & then I forgot.');
    expect(u[2]!.text).toBe('Twice is a real start. What got in the way the other days?');
  });

  it('takes speakers from "Name:" prefixes and splits a cue with two voices', async () => {
    const p = tmp(
      'prefix.vtt',
      'WEBVTT Kind: captions\nLanguage: en\n\n00:01.000 --> 00:03.500\nDr. Lee: <i>Welcome</i> back.\n\n00:04.000 --> 00:06.000 align:start\n<v Sam>Thanks.</v> <v Dr. Lee>Shall we start?\n\n00:06.500 --> 00:08.000\nSpeaker 2: Okay.\n',
    );
    const [s] = await parseAll(vttFormat, p, {
      meta,
      speakers: ['Dr. Lee=therapist', 'Sam=client', 'Speaker 2=client'],
    });
    expect(s!.transcript.utterances).toEqual([
      { id: 'u0001', role: 'therapist', speaker: 'Dr. Lee', text: 'Welcome back.', start: 1, end: 3.5 },
      { id: 'u0002', role: 'client', speaker: 'Sam', text: 'Thanks.', start: 4, end: 6 },
      { id: 'u0003', role: 'therapist', speaker: 'Dr. Lee', text: 'Shall we start?', start: 4, end: 6 },
      { id: 'u0004', role: 'client', speaker: 'Speaker 2', text: 'Okay.', start: 6.5, end: 8 },
    ]);
  });

  it('stores cues that start before the cue above them in time order, with a warning; keeps overlapping cues', async () => {
    const p = tmp(
      'shuffled.vtt',
      'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v T>One.\n\n00:00:05.000 --> 00:00:06.000\n<v T>Three.\n\n00:00:03.000 --> 00:00:04.500\n<v C>Two.\n\n00:00:04.000 --> 00:00:05.500\n<v T>Overlapping.\n',
    );
    const warnings: string[] = [];
    const [s] = await parseAll(vttFormat, p, { meta, warn: (m) => warnings.push(m) });
    expect(s!.transcript.utterances.map((u) => [u.role, u.text, u.start, u.end])).toEqual([
      ['therapist', 'One.', 1, 2],
      ['client', 'Two.', 3, 4.5],
      ['therapist', 'Overlapping. Three.', 4, 6],
    ]);
    expect(warnings).toEqual([
      expect.stringMatching(
        /shuffled\.vtt, line 9: 2 cues start before the cue above them \(first: this one, above it line 6\); the utterances are stored in time order, not file order/,
      ),
    ]);
    const ordered: string[] = [];
    await parseAll(vttFormat, fixture('zoom-session.vtt'), {
      meta,
      speakers: ['Dr. Lee=therapist', 'Sam=client'],
      warn: (m) => ordered.push(m),
    });
    expect(ordered).toEqual([]);
  });

  it('keeps a speakerless cue with the speaker above it in the file when cues are reordered', async () => {
    const p = tmp(
      'continued.vtt',
      'WEBVTT\n\n00:00:05.000 --> 00:00:06.000\n<v C>Later.\n\n00:00:07.000 --> 00:00:08.000\nstill the client\n\n00:00:01.000 --> 00:00:02.000\n<v T>First.\n',
    );
    const [s] = await parseAll(vttFormat, p, { meta, warn: () => undefined });
    expect(s!.transcript.utterances.map((u) => [u.role, u.text])).toEqual([
      ['therapist', 'First.'],
      ['client', 'Later. still the client'],
    ]);
  });

  it('lists every unmapped speaker with the line it first appears on', async () => {
    await expect(parseAll(vttFormat, fixture('zoom-session.vtt'), { meta })).rejects.toThrow(
      /zoom-session\.vtt, line 5: 2 speakers are not mapped to a role: "Dr\. Lee" \(line 5\), "Sam" \(line 9\); map them with --speakers/,
    );
  });

  it('names line and column of a bad cue time, and of a cue that ends before it starts', async () => {
    await expect(
      parseAll(vttFormat, fixture('malformed/bad-timestamp.vtt'), {
        meta,
        speakers: ['Dr. Lee=therapist', 'Sam=client'],
      }),
    ).rejects.toThrow(
      /bad-timestamp\.vtt, line 8, column 18: expected a cue end time like 00:00:04\.000, found "00:00:7\.250"/,
    );
    await expect(parseAll(vttFormat, fixture('malformed/end-before-start.vtt'), { meta })).rejects.toThrow(
      /end-before-start\.vtt, line 3, column 18: the cue ends before it starts/,
    );
  });

  it('refuses empty, UTF-16 and header-less files', async () => {
    await expect(parseAll(vttFormat, fixture('malformed/empty.vtt'), { meta })).rejects.toThrow(
      /empty\.vtt, line 1: the file is empty/,
    );
    await expect(parseAll(vttFormat, fixture('malformed/utf16.vtt'), { meta })).rejects.toThrow(
      /utf16\.vtt, line 1: the file is UTF-16 encoded/,
    );
    await expect(parseAll(vttFormat, fixture('session.srt'), { meta })).rejects.toThrow(
      /session\.srt, line 1, column 1: expected "WEBVTT"/,
    );
  });

  it('needs client, therapist and session from options or the file name', async () => {
    await expect(
      parseAll(vttFormat, fixture('zoom-session.vtt'), {
        meta: { client: 'C01' },
        speakers: ['Dr. Lee=therapist', 'Sam=client'],
      }),
    ).rejects.toThrow(
      /this format carries no session metadata; give --therapist or a --name-pattern with \{therapist\}, --session or a --name-pattern with \{session\}/,
    );
  });

  it('never quotes cue text in an error', async () => {
    const p = tmp('garbage-timing.vtt', 'WEBVTT\n\n1\nmy secret worry --> about work\n<v T>Hi.\n');
    const err = await parseAll(vttFormat, p, { meta }).catch((e: Error) => e);
    expect(String(err)).toMatch(/line 4, column 1: expected a cue start time like 00:00:01\.000, found something else/);
    expect(String(err)).not.toMatch(/secret|worry/);
  });
});
