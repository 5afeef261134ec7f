import type { SessionTranscript } from '@alliance-lab/core';
import { MARKERS, type Marker } from './markers';

type Utterance = SessionTranscript['utterances'][number];

export interface PlantedMarker {
  utterance: string;
  role: 'therapist' | 'client';
  marker: Marker;
}

/** An utterance list under construction, with the marker each utterance was generated to carry. */
export class Dialogue {
  readonly utterances: Utterance[] = [];
  readonly planted: PlantedMarker[] = [];

  constructor(
    private readonly therapist: string,
    private readonly client: string,
  ) {}

  get length(): number {
    return this.utterances.length;
  }

  /** Adds a turn and returns its id. */
  say(role: 'therapist' | 'client', text: string, marker?: Marker): string {
    const id = `u${String(this.utterances.length + 1).padStart(3, '0')}`;
    this.utterances.push({ id, role, speaker: role === 'therapist' ? this.therapist : this.client, text });
    if (marker) this.planted.push({ utterance: id, role, marker });
    return id;
  }

  counts(): Record<Marker, number> {
    const out = Object.fromEntries(MARKERS.map((m) => [m, 0])) as Record<Marker, number>;
    for (const p of this.planted) out[p.marker]++;
    return out;
  }
}
