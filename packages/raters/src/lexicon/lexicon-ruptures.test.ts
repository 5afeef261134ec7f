import { describe, expect, it } from 'vitest';
import { analyse } from './analyse';
import { lexiconEpisodes, toRuptures } from './lexicon-ruptures';
import { TEST_SESSION, testMarkerSet } from './test-markers';
import type { RatableUtterance } from '../rater';

const ruptures = (session: RatableUtterance[] = TEST_SESSION, edit?: Parameters<typeof testMarkerSet>[0]) => {
  const set = testMarkerSet(edit);
  const a = analyse(set, session);
  return toRuptures(a, lexiconEpisodes(set, a));
};

describe('lexicon ruptures', () => {
  it('turns a run of withdrawal markers into an episode resolved by a repair that follows', () => {
    expect(ruptures()[0]).toEqual({
      marker: 'withdrawal',
      markerType: 'minimal response',
      startUtterance: 'u2',
      endUtterance: 'u4',
      resolution: { strategy: 'metacommunication', utterance: 'u5' },
      // The client's next turn (u6) carries no rupture marker.
      resolved: true,
    });
  });

  it('reports a confrontation without a repair as unresolved', () => {
    expect(ruptures()[1]).toEqual({
      marker: 'confrontation',
      markerType: 'complaints about the therapist',
      startUtterance: 'u8',
      endUtterance: 'u8',
      resolution: null,
      resolved: false,
    });
  });

  it('needs minRun withdrawal markers in a row', () => {
    expect(ruptures(TEST_SESSION, (f) => (f.ruptures.withdrawal.minRun = 3)).map((r) => r.marker)).toEqual([
      'confrontation',
    ]);
  });

  it('leaves a repair outside the window unlinked, and a repair followed by more withdrawal unresolved', () => {
    const T = 'therapist' as const;
    const C = 'client' as const;
    const session: RatableUtterance[] = [
      { id: 'a', role: T, text: 'What happened?' },
      { id: 'b', role: C, text: "I don't know." },
      { id: 'c', role: T, text: 'How come?' },
      { id: 'd', role: C, text: 'No.' },
      { id: 'e', role: T, text: 'Right.' },
      { id: 'f', role: C, text: 'It was a long week at work.' },
      { id: 'g', role: T, text: "I'm sorry, I think I rushed you." },
      { id: 'h', role: C, text: "I don't know." },
    ];
    // The repair (g) is three utterances after the episode's end (d): inside a window of 3, outside one of 2.
    const [w] = ruptures(session);
    expect(w).toMatchObject({
      startUtterance: 'b',
      endUtterance: 'd',
      resolution: { strategy: 'acknowledging own contribution', utterance: 'g' },
      resolved: false,
    });
    const narrow = ruptures(session, (f) => (f.ruptures.repair.window = 2));
    expect(narrow[0]!.resolution).toBeNull();
    expect(narrow[0]!.resolved).toBe(false);
  });

  it('finds nothing in a session without markers', () => {
    expect(
      ruptures([
        { id: 'a', role: 'therapist', text: 'Good morning.' },
        { id: 'b', role: 'client', text: 'Morning, I had a good week.' },
      ]),
    ).toEqual([]);
  });
});
