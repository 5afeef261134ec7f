import type { Kysely } from 'kysely';
import { z } from 'zod';
import { nowIso } from '../util/time';
import { appendAudit } from './audit';
import type { Database } from './database';
import { writeTransaction } from './write-lock';

/** One stored `alliance validate` run: the JSON result kept as printed, with when and over which raters. */
export const ValidationRun = z.object({
  id: z.string(),
  generatedAt: z.string(),
  raters: z.array(z.string()),
  result: z.record(z.string(), z.unknown()),
});
export type ValidationRun = z.infer<typeof ValidationRun>;

/** Stores a run (and its audit row) in one transaction; returns its id. */
export async function saveValidationRun(
  db: Kysely<Database>,
  run: { generatedAt: string; raters: string[]; result: Record<string, unknown> },
  actor: string,
): Promise<string> {
  const id = `validation/${run.generatedAt}`;
  await writeTransaction(db, async (tx) => {
    await tx.deleteFrom('validation_runs').where('id', '=', id).execute();
    await tx
      .insertInto('validation_runs')
      .values({
        id,
        generated_at: run.generatedAt,
        raters: JSON.stringify(run.raters),
        result: JSON.stringify(run.result),
        created_at: nowIso(),
      })
      .execute();
    await appendAudit(tx, {
      actor,
      entity: 'validation_run',
      entityId: id,
      action: 'insert',
      before: null,
      after: { raters: run.raters },
    });
  });
  return id;
}

/** The most recent run, or undefined when validate has not been run on the study. */
export async function latestValidationRun(db: Kysely<Database>): Promise<ValidationRun | undefined> {
  const row = await db
    .selectFrom('validation_runs')
    .selectAll()
    .orderBy('generated_at', 'desc')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  return ValidationRun.parse({
    id: row.id,
    generatedAt: row.generated_at,
    raters: JSON.parse(row.raters),
    result: JSON.parse(row.result),
  });
}
