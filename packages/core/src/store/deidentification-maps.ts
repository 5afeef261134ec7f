import type { Kysely } from 'kysely';
import { nowIso } from '../util/time';
import type { Database } from './database';
import { writeTransaction } from './write-lock';

/** One transcript version's de-identification under one setting. The mapping is identifying data: never log it. */
export interface DeidentificationMap {
  transcriptId: string;
  settingsHash: string;
  deidentifiedHash: string;
  /** The placeholders with their kinds and original texts, as the rater package's de-identifier gives them. */
  mapping: unknown[];
}

/** Stores a mapping, replacing the one of the same transcript and setting (a deterministic rewrite gives the same row). */
export async function putDeidentificationMap(db: Kysely<Database>, m: DeidentificationMap): Promise<void> {
  const row = {
    transcript_id: m.transcriptId,
    settings_hash: m.settingsHash,
    deidentified_hash: m.deidentifiedHash,
    mapping: JSON.stringify(m.mapping),
    created_at: nowIso(),
  };
  await writeTransaction(db, async (trx) => {
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
}

/** Stored mappings: of one transcript under one setting, or all of them (for tests and audits) without a query. */
export async function deidentificationMaps(
  db: Kysely<Database>,
  q: { transcriptId?: string; settingsHash?: string } = {},
): Promise<DeidentificationMap[]> {
  let query = db.selectFrom('deidentification_maps').selectAll().orderBy('transcript_id').orderBy('settings_hash');
  if (q.transcriptId !== undefined) query = query.where('transcript_id', '=', q.transcriptId);
  if (q.settingsHash !== undefined) query = query.where('settings_hash', '=', q.settingsHash);
  return (await query.execute()).map((r) => ({
    transcriptId: r.transcript_id,
    settingsHash: r.settings_hash,
    deidentifiedHash: r.deidentified_hash,
    mapping: JSON.parse(r.mapping) as unknown[],
  }));
}
