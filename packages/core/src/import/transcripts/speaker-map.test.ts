import { describe, expect, it } from 'vitest';
import { SpeakerMap } from './speaker-map';

describe('speaker map', () => {
  it('maps names to roles without regard to case or spacing, and knows the role words', () => {
    const m = SpeakerMap.parse(['Dr. Lee=therapist', 'Sam = Client', 'Interpreter=other']);
    expect(m.role('dr.  lee')).toBe('therapist');
    expect(m.role('SAM')).toBe('client');
    expect(m.role('Interpreter')).toBe('other');
    expect(m.role('T')).toBe('therapist');
    expect(m.role('client')).toBe('client');
    expect(m.role('Robin')).toBeUndefined();
    expect(m.labels).toEqual(['Interpreter', 'Dr. Lee', 'Sam']);
  });

  it("knows other fields' labels for the two roles, while a mapped name still wins", () => {
    const m = SpeakerMap.parse(['Listener=other']);
    for (const label of ['Counsellor', 'supporter', 'HELPER']) expect(m.role(label)).toBe('therapist');
    for (const label of ['patient', 'Seeker', 'help  seeker', 'Help-Seeker']) expect(m.role(label)).toBe('client');
    expect(m.role('listener')).toBe('other');
    expect(SpeakerMap.empty.role('listener')).toBe('therapist');
    expect(SpeakerMap.empty.role('seekers')).toBeUndefined();
  });

  it('reads quoted labels holding commas, equals signs or quotes', () => {
    const m = SpeakerMap.parse(['"Lee, Jordan (Dr.)"=therapist', '"A=B ""Al"""=client', 'Sam=client']);
    expect(m.role('lee, jordan (dr.)')).toBe('therapist');
    expect(m.role('A=B "Al"')).toBe('client');
    expect(() => SpeakerMap.parse(['"Lee, Jordan=therapist'])).toThrow(/should look like "Name=therapist"/);
  });

  it('refuses malformed entries as usage errors', () => {
    expect(() => SpeakerMap.parse(['Dr. Lee'])).toThrow(/should look like "Name=therapist"/);
    expect(() => SpeakerMap.parse(['Sam=patient'])).toThrow(/the role must be therapist, client or other/);
    expect(() => SpeakerMap.parse(['Sam=client', 'sam=therapist'])).toThrow(/maps "sam" to both client and therapist/);
  });

  it('collects every unmapped label of a file and reports them together', () => {
    const r = SpeakerMap.parse(['Dr. Lee=therapist']).forFile('s.vtt');
    expect(r.resolve('Dr. Lee', 3)).toBe('therapist');
    expect(r.resolve('Casey', 5)).toBeUndefined();
    expect(r.resolve('Robin', 9)).toBeUndefined();
    expect(r.resolve('casey', 12)).toBeUndefined();
    expect(r.hasUnknown).toBe(true);
    expect(() => r.check()).toThrow(
      's.vtt, line 5: 2 speakers are not mapped to a role: "Casey" (line 5), "Robin" (line 9); map them with --speakers "Casey=ROLE,Robin=ROLE" where ROLE is therapist, client or other',
    );
    const clean = SpeakerMap.empty.forFile('x.txt');
    clean.resolve('T', 1);
    expect(() => clean.check()).not.toThrow();
  });

  it('describes overlong labels instead of quoting them, since they are usually utterance text', () => {
    const r = SpeakerMap.empty.forFile('export.csv');
    r.resolve('I have not told anyone this before, but my brother and I stopped talking', 2);
    r.resolve('Pat', 3);
    const message = (() => {
      try {
        r.check();
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toBe(
      'export.csv, line 2: 2 speakers are not mapped to a role: (a 72-character label; is the speaker column right?) (line 2), "Pat" (line 3); map them with --speakers "Pat=ROLE" where ROLE is therapist, client or other',
    );
  });
});
