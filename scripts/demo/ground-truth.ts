import { MARKERS } from './markers';
import type { GeneratedSession } from './session-transcript';
import type { SessionState } from './trajectories';

export const GROUND_TRUTH_COLUMNS = [
  'client',
  'therapist',
  'session',
  'date',
  'latent_alliance',
  'rupture',
  'rupture_type',
  'repaired',
  'rupture_first',
  'rupture_last',
  'repair_first',
  'repair_last',
  'utterances',
  ...MARKERS,
];

export const MARKER_COLUMNS = ['client', 'session', 'utterance', 'role', 'marker'];

/** One long row per session: what the simulator decided and what it planted. */
export function groundTruthRow(state: SessionState, generated: GeneratedSession): Record<string, string | number> {
  const t = generated.transcript;
  const r = state.rupture;
  const e = generated.episode;
  return {
    client: t.client,
    therapist: t.therapist,
    session: t.session,
    date: state.date,
    latent_alliance: state.latent.toFixed(3),
    rupture: r ? 'yes' : 'no',
    rupture_type: r?.type ?? '',
    repaired: r ? (r.repaired ? 'yes' : 'no') : '',
    rupture_first: e?.first ?? '',
    rupture_last: e?.last ?? '',
    repair_first: e?.repairFirst ?? '',
    repair_last: e?.repairLast ?? '',
    utterances: t.utterances.length,
    ...generated.counts,
  };
}

/** One row per planted marker, so a rater's cited evidence can be checked utterance by utterance. */
export function markerRows(generated: GeneratedSession): Array<Record<string, string | number>> {
  return generated.planted.map((p) => ({
    client: generated.transcript.client,
    session: generated.transcript.session,
    utterance: p.utterance,
    role: p.role,
    marker: p.marker,
  }));
}
