import { describe, expect, it } from 'vitest';
import { NamePattern } from './name-pattern';
import { metaForFile } from './session-meta';

describe('file-name pattern', () => {
  it('reads client, therapist, session and date off base names', () => {
    expect(NamePattern.compile('{client}_s{session}.vtt').match('/data/zoom/C017_s4.vtt')).toEqual({
      client: 'C017',
      session: 4,
    });
    expect(NamePattern.compile('{therapist}-{client}-{date}-s{session}.srt').match('T2-C9-2026-01-31-s12.srt')).toEqual(
      {
        therapist: 'T2',
        client: 'C9',
        date: '2026-01-31',
        session: 12,
      },
    );
    // Backtracking lets an id contain the separator when the rest of the name still fits.
    expect(NamePattern.compile('{client}_s{session}.vtt').match('C_s01_s3.vtt')).toEqual({
      client: 'C_s01',
      session: 3,
    });
    expect(NamePattern.compile('{client}_s{session}*.vtt').match('C1_s2 (Teams recording).vtt')).toEqual({
      client: 'C1',
      session: 2,
    });
  });

  it('matches the whole name and treats regex characters literally', () => {
    const p = NamePattern.compile('{client}.s{session}.txt');
    expect(p.match('C1.s2.txt')).toEqual({ client: 'C1', session: 2 });
    expect(p.match('C1xs2.txt')).toBeUndefined();
    expect(p.match('C1.s2.txt.bak')).toBeUndefined();
    expect(p.match('C1.sX.txt')).toBeUndefined();
  });

  it('refuses unknown, repeated or missing placeholders', () => {
    expect(() => NamePattern.compile('{client}_{week}.vtt')).toThrow(/unknown placeholder \{week\}/);
    expect(() => NamePattern.compile('{client}_{client}.vtt')).toThrow(/\{client\} appears twice/);
    expect(() => NamePattern.compile('session.vtt')).toThrow(/needs at least one of/);
    expect(() => NamePattern.compile('{client.vtt')).toThrow(/unmatched "\{"/);
  });

  it('combines with the command-line values and insists they agree', () => {
    const p = NamePattern.compile('{client}_s{session}.vtt');
    expect(metaForFile({ therapist: 'T1' }, p, 'dir/C3_s2.vtt', 'C3_s2.vtt')).toEqual({
      therapist: 'T1',
      client: 'C3',
      session: 2,
    });
    expect(() => metaForFile({ client: 'C4' }, p, 'C3_s2.vtt', 'C3_s2.vtt')).toThrow(
      'C3_s2.vtt: the file name gives client C3 but --client says C4',
    );
    expect(() => metaForFile({}, p, 'notes.vtt', 'notes.vtt')).toThrow(
      'notes.vtt: the file name does not fit --name-pattern "{client}_s{session}.vtt"',
    );
  });
});
