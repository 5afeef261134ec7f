import { describe, expect, it } from 'vitest';
import { contentHash } from './content-hash';
import { packSession, unpackSession } from './session-pack';

describe('packed sessions', () => {
  it('round-trip every field, telling absent values from empty or zero ones', () => {
    const transcript = {
      client: 'C1',
      therapist: 'T1',
      session: 3,
      date: '2026-01-02',
      utterances: [
        { id: 'a', role: 'therapist' as const, speaker: '', text: '', start: 0, end: 0 },
        { id: 'b', role: 'client' as const, text: 'x' },
        { id: 'c', role: 'other' as const, speaker: 'Interpreter', text: 'y', end: 4.25 },
      ],
    };
    const packed = packSession({ transcript, line: 9 });
    expect(packed.hash).toBe(contentHash(transcript.utterances));
    const back = unpackSession(structuredClone(packed));
    expect(back).toEqual({ transcript, line: 9, contentHash: packed.hash });
    const { date: _date, ...undated } = transcript;
    expect(unpackSession(packSession({ transcript: undated, line: 1 })).transcript).toEqual(undated);
  });
});
