import { deidentificationMaps, putDeidentificationMap, sha256, stableStringify, type Study } from '@alliance-lab/core';
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
  await putDeidentificationMap(study.db, {
    transcriptId: t.transcriptId,
    settingsHash: deidentifySettingsHash(names),
    deidentifiedHash: transcript.contentHash,
    mapping,
  });
  return transcript;
}

/** The stored mapping of a transcript under the study's current setting, if it was ever de-identified. */
export async function storedMapping(study: Study, transcriptId: string): Promise<Replacement[] | undefined> {
  const [stored] = await deidentificationMaps(study.db, {
    transcriptId,
    settingsHash: deidentifySettingsHash(study.config.privacy.names),
  });
  return stored ? (stored.mapping as Replacement[]) : undefined;
}
