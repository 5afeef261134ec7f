import type { Rupture } from '../result-schema';
import type { TranscriptAnalysis } from './analyse';
import type { MarkerSet } from './marker-set';

/** A rupture episode by utterance position, before ids are attached. */
export interface Episode {
  marker: 'withdrawal' | 'confrontation';
  markerType: string;
  start: number;
  end: number;
  /** The utterances carrying the episode's markers. */
  positions: number[];
  repair: { position: number; strategy: string } | null;
  resolved: boolean;
}

/**
 * Rupture episodes after the 3RS: a run of client utterances carrying withdrawal (or confrontation) markers,
 * at least `minRun` long, is one episode from its first to its last marked utterance. A client utterance without
 * such a marker ends the run, and so does a therapist repair move, so what follows a repair is a new episode.
 * The episode's marker type is the 3RS subtype seen most often in it (the earliest on a tie).
 *
 * Resolution: the first therapist repair move within `window` utterances after the episode names the strategy.
 * The episode counts as resolved when the client's next utterance after that move carries no withdrawal or
 * confrontation marker (the client came back to the work).
 */
export function lexiconEpisodes(set: MarkerSet, a: TranscriptAnalysis): Episode[] {
  const r = set.file.ruptures;
  const withdrawal = new Set(r.withdrawal.markers.map((id) => set.markerIndex(id)));
  const confrontation = new Set(r.confrontation.markers.map((id) => set.markerIndex(id)));
  const repairOrder = r.repair.markers.map((id) => set.markerIndex(id));
  const repairs = new Set(repairOrder);
  const repairAt = (i: number): number | undefined => {
    const at = a.markersAt[i]!;
    return repairOrder.find((m) => at.includes(m));
  };
  const ruptureMarkerAt = (i: number) => a.markersAt[i]!.some((m) => withdrawal.has(m) || confrontation.has(m));

  const episodes: Episode[] = [];
  for (const [kind, set_, minRun] of [
    ['withdrawal', withdrawal, r.withdrawal.minRun],
    ['confrontation', confrontation, r.confrontation.minRun],
  ] as const) {
    let run: number[] = [];
    const close = () => {
      if (run.length >= minRun) episodes.push(episode(kind, run));
      run = [];
    };
    for (let i = 0; i < a.utterances.length; i++) {
      const role = a.utterances[i]!.role;
      if (role === 'client') {
        if (a.markersAt[i]!.some((m) => set_.has(m))) run.push(i);
        else close();
      } else if (role === 'therapist' && run.length > 0 && a.markersAt[i]!.some((m) => repairs.has(m))) {
        close();
      }
    }
    close();
  }

  function episode(kind: 'withdrawal' | 'confrontation', positions: number[]): Episode {
    const kinds = kind === 'withdrawal' ? withdrawal : confrontation;
    const tally = new Map<number, number>();
    for (const p of positions) for (const m of a.markersAt[p]!) if (kinds.has(m)) tally.set(m, (tally.get(m) ?? 0) + 1);
    let top = -1;
    let topCount = 0;
    for (const p of positions) {
      for (const m of a.markersAt[p]!) {
        const c = tally.get(m) ?? 0;
        if (c > topCount) {
          top = m;
          topCount = c;
        }
      }
    }
    const start = positions[0]!;
    const end = positions[positions.length - 1]!;
    let repair: Episode['repair'] = null;
    for (let i = end + 1; i <= end + r.repair.window && i < a.utterances.length; i++) {
      if (a.utterances[i]!.role !== 'therapist') continue;
      const m = repairAt(i);
      if (m !== undefined) {
        repair = { position: i, strategy: set.markers[m]!.repairStrategy! };
        break;
      }
    }
    let resolved = false;
    if (repair) {
      for (let i = repair.position + 1; i < a.utterances.length; i++) {
        if (a.utterances[i]!.role !== 'client') continue;
        resolved = !ruptureMarkerAt(i);
        break;
      }
    }
    return { marker: kind, markerType: set.markers[top]!.ruptureType!, start, end, positions, repair, resolved };
  }

  return episodes.sort((x, y) => x.start - y.start || (x.marker === y.marker ? 0 : x.marker === 'withdrawal' ? -1 : 1));
}

export function toRuptures(a: TranscriptAnalysis, episodes: Episode[]): Rupture[] {
  return episodes.map((e) => ({
    marker: e.marker,
    markerType: e.markerType,
    startUtterance: a.utterances[e.start]!.id,
    endUtterance: a.utterances[e.end]!.id,
    resolution: e.repair ? { strategy: e.repair.strategy, utterance: a.utterances[e.repair.position]!.id } : null,
    resolved: e.resolved,
  }));
}
