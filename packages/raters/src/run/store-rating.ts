import {
  type RatingIdentity,
  type RatingKey,
  type RatingOutcome,
  type Score,
  type StoredRating,
  type Study,
  cachedOutcome,
  listRatings,
  ratingId,
  ratingKeys,
  storeRating,
} from '@alliance-lab/core';
import type { RaterOutput } from '../result-schema';

export type ScoreForms = (forms: StoredRating['forms'], ratingId: string) => Score[];

/**
 * Stores one rating through core's rating write path: a validated answer becomes item values per form, its
 * signals and ruptures, and its scale scores; a failed one is stored with its reasons and no scores.
 */
export async function saveRating(
  study: Study,
  identity: RatingIdentity,
  outcome: RatingOutcome,
  opts: { fromCache: boolean; score: ScoreForms },
): Promise<void> {
  const output = outcome.status === 'ok' ? (outcome.output as RaterOutput) : null;
  const forms: StoredRating['forms'] = output
    ? output.forms.map((f) => ({
        instrument: f.instrument,
        form: f.form as StoredRating['forms'][number]['form'],
        items: Object.fromEntries(f.items.map((i) => [i.item, i.value])),
      }))
    : [];
  await storeRating(study, {
    identity,
    outcome,
    forms,
    signals: output?.signals ?? [],
    ruptures: output?.ruptures ?? [],
    scores: output ? opts.score(forms, ratingId(identity.rater, identity.transcriptId, identity.replicate)) : [],
    fromCache: opts.fromCache,
  });
}

/** This rater's stored ratings, by transcript and replicate, read once at the start of a run. */
export async function existingRatings(study: Study, rater: string): Promise<Map<string, RatingKey>> {
  return new Map((await ratingKeys(study.db, rater)).map((r) => [existingKey(r.transcriptId, r.replicate), r]));
}

export function existingKey(transcriptId: string, replicate: number): string {
  return `${transcriptId}\u0000${replicate}`;
}

/** The cached answer of a key, if a run (this one or an earlier one, of any rater) already asked it. */
export function cachedAnswer(study: Study, key: string): Promise<RatingOutcome | undefined> {
  return cachedOutcome(study, key);
}

/** Whether this rater's rating of the identity's transcript and replicate is stored with the identity's key. */
export async function ratingStored(study: Study, identity: RatingIdentity): Promise<boolean> {
  const [r] = await listRatings(study.db, {
    rater: identity.rater,
    transcriptId: identity.transcriptId,
    replicate: identity.replicate,
  });
  return r?.cacheKey === identity.cacheKey;
}
