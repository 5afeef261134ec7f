import { nowIso, sha256, stableStringify, type Study } from '@alliance-lab/core';
import type { RatableTranscript } from '../rater';
import { DEIDENTIFY_VERSION, deidentifyTranscript, type Replacement } from './deidentify';

/** Names one de-identification setting: the rule version and the study's name list (order and case aside). */
export function deidentifySettingsHash(names: readonly string[]): string {
  const list = [...new Set(names.map((n) => n.trim().replace(/\s+/g, ' ').toLowerCase()).filter(Boolean))].sort();
  return sha256(stableStringify({ version: DEIDENTIFY_VERSION, names: list }));
}

/**
 * De-identifies a transcript with the study's privacy.names and stores the mapping in the study (one row per
 * transcript version and setting, replaced when it is written again, which gives the same row since the result
 * is deterministic). Returns what a remote rater may see. Nothing here logs: the mapping is identifying data.
 */
export async function deidentifyForStudy(study: Study, t: RatableTranscript): Promise<RatableTranscript> {
  const names = study.config.privacy.names;
  const { transcript, mapping } = deidentifyTranscript(t, { names });
  const row = {
    transcript_id: t.transcriptId,
    settings_hash: deidentifySettingsHash(names),
    deidentified_hash: transcript.contentHash,
    mapping: JSON.stringify(mapping),
    created_at: nowIso(),
  };
  await study.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('deidentification_maps')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['transcript_id', 'settings_hash'])
          .doUpdateSet({ deidentified_hash: row.deidentified_hash, mapping: row.mapping }),
      )
      .execute();
  });
  return transcript;
}

/** The stored mapping of a transcript under the study's current setting, if it was ever de-identified. */
export async function storedMapping(study: Study, transcriptId: string): Promise<Replacement[] | undefined> {
  const row = await study.db
    .selectFrom('deidentification_maps')
    .select('mapping')
    .where('transcript_id', '=', transcriptId)
    .where('settings_hash', '=', deidentifySettingsHash(study.config.privacy.names))
    .executeTakeFirst();
  return row ? (JSON.parse(row.mapping) as Replacement[]) : undefined;
}
