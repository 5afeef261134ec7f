import type { Kysely } from 'kysely';
import { writeTransaction } from './write-lock';
import { parseCsv } from '../util/csv';
import { InputError, type InputLocation, UsageError } from '../util/errors';
import { isCalendarDate, nowIso } from '../util/time';
import { appendAudit } from './audit';
import type { Database } from './database';
import { ensureSession, sessionId } from './sessions';

/**
 * Pseudonyms: short, without spaces, so a name typed by mistake ("Anna Schmidt") stands out and is refused. The
 * same rule holds for the staff form, the sessions CSV and `ensureSession`'s callers here.
 */
const ID = /^[A-Za-z0-9._-]{1,32}$/;
const ID_RULE = 'a pseudonymous id of 1–32 letters, digits, dots, dashes or underscores (no names, no spaces)';

export interface SessionEntry {
  client: string;
  therapist: string;
  session: number;
  date: string;
}

/** What is wrong with one field of a session, or undefined. */
function fieldProblem(column: keyof SessionEntry, value: string): string | undefined {
  if (column === 'client' || column === 'therapist') return ID.test(value) ? undefined : `${column}: ${ID_RULE}`;
  if (column === 'session')
    return /^[0-9]{1,5}$/.test(value) && Number(value) >= 1 && Number(value) <= 10_000
      ? undefined
      : 'session: a whole number from 1 to 10000';
  return isCalendarDate(value) ? undefined : 'date: a calendar date as YYYY-MM-DD';
}

/**
 * A session a coordinator records by hand (the client and therapist are created with it), audited.
 */
export async function recordSession(
  db: Kysely<Database>,
  actor: string,
  s: SessionEntry,
): Promise<{ id: string; created: boolean }> {
  for (const column of ['client', 'therapist', 'session', 'date'] as const) {
    const problem = fieldProblem(column, String(s[column]));
    if (problem) throw new UsageError(problem);
  }
  const [r] = await storeSessions(db, actor, [{ entry: s, where: {} }]);
  return r!;
}

/** Adds a client or therapist by pseudonymous id, audited; one that exists already is refused. */
export async function addPerson(
  db: Kysely<Database>,
  actor: string,
  kind: 'client' | 'therapist',
  id: string,
): Promise<void> {
  if (!ID.test(id)) throw new UsageError(`${kind}: ${ID_RULE}`);
  const table = kind === 'client' ? 'clients' : 'therapists';
  await writeTransaction(db, async (trx) => {
    const taken = await trx.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
    if (taken) throw new UsageError(`${kind} ${id} is in the study already`);
    const at = nowIso();
    await trx.insertInto(table).values({ id, created_at: at }).execute();
    await appendAudit(trx, { actor, entity: kind, entityId: id, action: 'insert', before: null, after: { id }, at });
  });
}

/** The study's clients and therapists by id, for the staff pages' lists. */
export async function listPeople(db: Kysely<Database>): Promise<{ clients: string[]; therapists: string[] }> {
  const [clients, therapists] = await Promise.all([
    db.selectFrom('clients').select('id').orderBy('id').execute(),
    db.selectFrom('therapists').select('id').orderBy('id').execute(),
  ]);
  return { clients: clients.map((r) => r.id), therapists: therapists.map((r) => r.id) };
}

export const SESSION_CSV_COLUMNS = ['client', 'therapist', 'session', 'date'] as const;

/** One thing wrong with a sessions file, where an editor would show it. */
export interface CsvProblem {
  line: number;
  column?: string;
  message: string;
}

/** A sessions file read and checked: its rows, or every problem found (at most `limit`). */
export type ParsedSessions =
  | { ok: true; rows: { entry: SessionEntry; line: number }[] }
  | { ok: false; problems: CsvProblem[] };

/**
 * Reads a sessions CSV (columns client, therapist, session, date; any order, more columns refused) and checks
 * every row, so a coordinator sees all that is wrong in one go rather than one error per upload.
 */
export function parseSessionsCsv(text: string, file = 'sessions.csv', limit = 50): ParsedSessions {
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(text, { file, delimiter: ',' });
  } catch (err) {
    if (err instanceof InputError)
      return { ok: false, problems: [{ line: err.location.line ?? 1, message: err.message }] };
    throw err;
  }
  const [head, ...body] = records.filter((r) => !(r.fields.length === 1 && r.fields[0]!.trim() === ''));
  if (!head)
    return {
      ok: false,
      problems: [{ line: 1, message: `the file is empty; its header is ${SESSION_CSV_COLUMNS.join(',')}` }],
    };
  const header = head.fields.map((h) => h.trim().toLowerCase());
  const problems: CsvProblem[] = [];
  for (const want of SESSION_CSV_COLUMNS)
    if (!header.includes(want))
      problems.push({ line: head.line, column: want, message: `the header has no column "${want}"` });
  for (const h of header)
    if (!(SESSION_CSV_COLUMNS as readonly string[]).includes(h))
      problems.push({
        line: head.line,
        column: h,
        message: `unknown column "${h}"; the columns are ${SESSION_CSV_COLUMNS.join(', ')}`,
      });
  if (problems.length) return { ok: false, problems };
  if (body.length === 0)
    return { ok: false, problems: [{ line: head.line, message: 'the file has a header and no sessions' }] };

  const rows: { entry: SessionEntry; line: number }[] = [];
  const seen = new Map<string, number>();
  for (const rec of body) {
    if (problems.length >= limit) break;
    if (rec.fields.length !== header.length) {
      problems.push({ line: rec.line, message: `${rec.fields.length} fields, the header has ${header.length}` });
      continue;
    }
    const v = Object.fromEntries(header.map((h, i) => [h, rec.fields[i]!.trim()])) as Record<
      keyof SessionEntry,
      string
    >;
    let bad = false;
    for (const column of SESSION_CSV_COLUMNS) {
      const problem = fieldProblem(column, v[column]);
      if (problem) {
        problems.push({ line: rec.line, column, message: problem.replace(/^[a-z]+: /, '') });
        bad = true;
      }
    }
    // A repeated session is found even beside another problem, so one round of fixes is enough.
    if (!fieldProblem('client', v.client) && !fieldProblem('session', v.session)) {
      const key = sessionId(v.client, Number(v.session));
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        problems.push({
          line: rec.line,
          column: 'session',
          message: `client ${v.client} session ${v.session} is on line ${earlier} too`,
        });
        bad = true;
      } else seen.set(key, rec.line);
    }
    if (bad) continue;
    rows.push({
      entry: { client: v.client, therapist: v.therapist, session: Number(v.session), date: v.date },
      line: rec.line,
    });
  }
  return problems.length ? { ok: false, problems } : { ok: true, rows };
}

/**
 * Imports a checked sessions file whole or not at all: a row that contradicts a stored session (another
 * therapist or date) is an InputError naming its line, and the transaction writes nothing.
 */
export async function importSessions(
  db: Kysely<Database>,
  actor: string,
  rows: readonly { entry: SessionEntry; line: number }[],
  file = 'sessions.csv',
): Promise<{ created: number; existing: number }> {
  const out = await storeSessions(
    db,
    actor,
    rows.map((r) => ({ entry: r.entry, where: { file, line: r.line } })),
  );
  const created = out.filter((r) => r.created).length;
  return { created, existing: out.length - created };
}

async function storeSessions(
  db: Kysely<Database>,
  actor: string,
  rows: readonly { entry: SessionEntry; where: InputLocation }[],
): Promise<{ id: string; created: boolean }[]> {
  return writeTransaction(db, async (trx) => {
    const out: { id: string; created: boolean }[] = [];
    const at = nowIso();
    for (const { entry: s, where } of rows) {
      const id = sessionId(s.client, s.session);
      const existed = await trx.selectFrom('sessions').select('id').where('id', '=', id).executeTakeFirst();
      try {
        await ensureSession(trx, s, where);
      } catch (err) {
        if (err instanceof InputError && where.line !== undefined) throw err;
        throw new UsageError((err as Error).message);
      }
      if (!existed)
        await appendAudit(trx, {
          actor,
          entity: 'session',
          entityId: id,
          action: 'insert',
          before: null,
          after: s,
          at,
        });
      out.push({ id, created: !existed });
    }
    return out;
  });
}
