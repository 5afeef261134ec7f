import type { Kysely } from 'kysely';
import type { AuditEntry } from '../schemas/audit';
import { nowIso } from '../util/time';
import type { Database } from './database';

export type AuditInput = Omit<AuditEntry, 'at'> & { at?: string };

/** The audit table's row for an entry: what appendAudit writes, and the SQLite fast path of ratings too. */
export function auditRow(entry: AuditInput): Omit<Database['audit'], 'id'> {
  return {
    at: entry.at ?? nowIso(),
    actor: entry.actor,
    entity: entry.entity,
    entity_id: entry.entityId,
    action: entry.action,
    before: entry.before === null || entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === null || entry.after === undefined ? null : JSON.stringify(entry.after),
  };
}

/** Appends one audit row. Call it inside the transaction that makes the change, so both land or neither. */
export async function appendAudit(db: Kysely<Database>, entry: AuditInput): Promise<void> {
  await db.insertInto('audit').values(auditRow(entry)).execute();
}

export async function auditTrail(
  db: Kysely<Database>,
  entity?: AuditEntry['entity'],
  entityId?: string,
): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit').selectAll().orderBy('id');
  if (entity) q = q.where('entity', '=', entity);
  if (entityId) q = q.where('entity_id', '=', entityId);
  const rows = await q.execute();
  return rows.map((r) => ({
    at: r.at,
    actor: r.actor,
    entity: r.entity as AuditEntry['entity'],
    entityId: r.entity_id,
    action: r.action as AuditEntry['action'],
    before: r.before === null ? null : JSON.parse(r.before),
    after: r.after === null ? null : JSON.parse(r.after),
  }));
}
