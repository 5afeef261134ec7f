import { z } from 'zod';
import { type CodedUtterance, type MitiSummary, mitiSummary } from '../stats/miti';
import { InputError } from '../util/errors';
import { nowIso } from '../util/time';
import { appendAudit } from './audit';
import type { Study } from './study';
import { writeTransaction } from './write-lock';

/** One utterance's code as stored: the MI behaviour code, its subcode and the coder's probability for the code. */
export const StoredUtteranceCode = z.object({
  utteranceId: z.string().min(1),
  role: z.enum(['therapist', 'client']),
  code: z.enum(['reflection', 'question', 'input', 'other', 'change', 'sustain', 'neutral']),
  subcode: z.string().min(1).nullable(),
  probability: z.number().min(0).max(1),
});
export type StoredUtteranceCode = z.infer<typeof StoredUtteranceCode>;

export const CoderId = z.object({ version: z.string().min(1), hash: z.string().min(1) });
export type CoderId = z.infer<typeof CoderId>;

/**
 * Stores one coder's codes for one transcript version, replacing that coder's earlier codes for it, in one
 * transaction with its audit entry. Codes must name utterances of that transcript. Storing the same codes again
 * changes nothing and writes no audit row, so `alliance code` can be re-run. Returns whether anything changed.
 */
export async function storeUtteranceCodes(
  study: Study,
  transcriptId: string,
  coder: CoderId,
  codes: readonly StoredUtteranceCode[],
): Promise<boolean> {
  return writeTransaction(study.db, async (tx) => {
    const utterances = await tx
      .selectFrom('utterances')
      .select(['uid', 'seq', 'role'])
      .where('transcript_id', '=', transcriptId)
      .execute();
    if (utterances.length === 0) throw new InputError(`no transcript ${transcriptId} in the study`);
    const seqOf = new Map(utterances.map((u) => [u.uid, u]));
    for (const c of codes) {
      const u = seqOf.get(c.utteranceId);
      if (!u) throw new InputError(`transcript ${transcriptId} has no utterance "${c.utteranceId}"`);
      if (u.role !== c.role)
        throw new InputError(`utterance "${c.utteranceId}" of transcript ${transcriptId} is ${u.role}, not ${c.role}`);
    }
    const before = await readCodes(tx, transcriptId, coder.version);
    const hashBefore = await tx
      .selectFrom('utterance_codes')
      .select('coder_hash')
      .where('transcript_id', '=', transcriptId)
      .where('coder', '=', coder.version)
      .executeTakeFirst();
    const sorted = [...codes].sort((a, b) => seqOf.get(a.utteranceId)!.seq - seqOf.get(b.utteranceId)!.seq);
    if (hashBefore?.coder_hash === coder.hash && JSON.stringify(before) === JSON.stringify(sorted.map(normal)))
      return false;
    await tx
      .deleteFrom('utterance_codes')
      .where('transcript_id', '=', transcriptId)
      .where('coder', '=', coder.version)
      .execute();
    const at = nowIso();
    const rows = sorted.map((c) => ({
      transcript_id: transcriptId,
      coder: coder.version,
      coder_hash: coder.hash,
      seq: seqOf.get(c.utteranceId)!.seq,
      uid: c.utteranceId,
      role: c.role,
      code: c.code,
      subcode: c.subcode,
      probability: c.probability,
      created_at: at,
    }));
    // SQLite allows 32,766 bound parameters per statement; 10 columns a row.
    for (let i = 0; i < rows.length; i += 500)
      await tx
        .insertInto('utterance_codes')
        .values(rows.slice(i, i + 500))
        .execute();
    await appendAudit(tx, {
      at,
      actor: study.actor,
      entity: 'utterance-codes',
      entityId: `${transcriptId}/${coder.version}`,
      action: before.length === 0 ? 'insert' : 'update',
      before: before.length === 0 ? null : { coder: coder.version, codes: before.length },
      after: { coder: coder.version, hash: coder.hash, codes: rows.length },
    });
    return true;
  });
}

/** A coder's codes for a transcript version, in utterance order; the first coder stored when none is named. */
export async function readUtteranceCodes(
  study: Study,
  transcriptId: string,
  coder?: string,
): Promise<StoredUtteranceCode[]> {
  return readCodes(study.db, transcriptId, coder);
}

async function readCodes(db: Study['db'], transcriptId: string, coder?: string): Promise<StoredUtteranceCode[]> {
  let name = coder;
  if (name === undefined) {
    const first = await db
      .selectFrom('utterance_codes')
      .select('coder')
      .where('transcript_id', '=', transcriptId)
      .orderBy('coder')
      .executeTakeFirst();
    if (!first) return [];
    name = first.coder;
  }
  const rows = await db
    .selectFrom('utterance_codes')
    .select(['uid', 'role', 'code', 'subcode', 'probability'])
    .where('transcript_id', '=', transcriptId)
    .where('coder', '=', name)
    .orderBy('seq')
    .execute();
  return rows.map((r) =>
    normal({
      utteranceId: r.uid,
      role: r.role as StoredUtteranceCode['role'],
      code: r.code as StoredUtteranceCode['code'],
      subcode: r.subcode,
      probability: r.probability,
    }),
  );
}

const normal = (c: StoredUtteranceCode): StoredUtteranceCode => ({
  utteranceId: c.utteranceId,
  role: c.role,
  code: c.code,
  subcode: c.subcode,
  probability: c.probability,
});

/** One coder's codes of a session's current transcript, summarised (stats/miti). */
export interface SessionCodeSummary {
  sessionId: string;
  coder: string;
  coderHash: string;
  summary: MitiSummary;
}

/**
 * Every session's current transcript's codes, summarised per coder: what validation sets beside client
 * self-report. Counted in the database (a few rows per session), summarised by the pure function.
 */
export async function sessionCodeSummaries(db: Study['db']): Promise<SessionCodeSummary[]> {
  const rows = await db
    .selectFrom('utterance_codes as c')
    .innerJoin('transcripts as t', 't.id', 'c.transcript_id')
    .where('t.is_current', '=', 1)
    .select(['t.session_id', 'c.coder', 'c.coder_hash', 'c.code', 'c.subcode'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .groupBy(['t.session_id', 'c.coder', 'c.coder_hash', 'c.code', 'c.subcode'])
    .orderBy('t.session_id')
    .orderBy('c.coder')
    .execute();
  const groups = new Map<string, { sessionId: string; coder: string; coderHash: string; codes: CodedUtterance[] }>();
  for (const r of rows) {
    const key = `${r.session_id}\u0000${r.coder}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { sessionId: r.session_id, coder: r.coder, coderHash: r.coder_hash, codes: [] }));
    g.codes.push({ code: r.code, subcode: r.subcode, n: Number(r.n) });
  }
  return [...groups.values()].map(({ codes, ...g }) => ({ ...g, summary: mitiSummary(codes) }));
}
