import { basename } from 'node:path';
import type { MultilevelRow } from '../../../stats/consistency';
import { readCsvRows } from '../../../util/csv';
import { InputError, UsageError } from '../../../util/errors';
import { MISSING_CODES } from './input';

/** Item values for the consistency statistics, however they were read. */
export interface ItemTable {
  /** Where they came from, for the output: a file name or "study/instrument/form". */
  label: string;
  items: string[];
  rows: Array<Array<number | null>>;
  /** Subject and time of each row, when a multilevel analysis needs them. */
  keys?: Array<{ subject: string; time: string }>;
}

export function multilevelRows(t: ItemTable): MultilevelRow[] {
  if (!t.keys) throw new Error('multilevel rows need subject and time keys');
  return t.rows.map((values, i) => ({ ...t.keys![i]!, values }));
}

/**
 * Reads a wide CSV, one row per response: the item columns are those `items` names or, when none are named,
 * every column whose values are all numbers or missing (the subject and session columns aside). A bad value in
 * an item column is refused naming file, line and column.
 */
export async function readItemCsv(
  file: string,
  opts: { items: string[]; subject?: string; session?: string },
): Promise<ItemTable> {
  const label = basename(file);
  const records: Array<{ line: number; values: Record<string, string> }> = [];
  let header: string[] = [];
  for await (const row of readCsvRows(file, { file: label })) {
    if (records.length === 0) header = Object.keys(row.values);
    records.push({ line: row.line, values: row.values });
  }
  if (records.length === 0) throw new InputError('the file has no data rows', { file: label, line: 2 });
  for (const [name, opt] of [
    [opts.subject, '--subject'],
    [opts.session, '--session'],
  ] as const)
    if (name !== undefined && !header.includes(name))
      throw new InputError(`no column "${name}" (set with ${opt}); the header has ${header.join(', ')}`, {
        file: label,
        line: 1,
      });
  const isNumber = (raw: string) => MISSING_CODES.has(raw.trim()) || Number.isFinite(Number(raw.trim()));
  let items = opts.items;
  if (items.length > 0) {
    const unknown = items.filter((i) => !header.includes(i));
    if (unknown.length > 0)
      throw new InputError(
        `no item column ${unknown.map((u) => `"${u}"`).join(', ')} (named with --items); the header has ${header.join(', ')}`,
        { file: label, line: 1 },
      );
  } else {
    items = header.filter(
      (h) => h !== opts.subject && h !== opts.session && records.every((r) => isNumber(r.values[h] ?? '')),
    );
    if (items.length < 2)
      throw new InputError(
        `found ${items.length} numeric column${items.length === 1 ? '' : 's'}; internal consistency needs at least two items (name them with --items)`,
        { file: label, line: 1 },
      );
  }
  const rows = records.map((r) =>
    items.map((item) => {
      const raw = (r.values[item] ?? '').trim();
      if (MISSING_CODES.has(raw)) return null;
      const x = Number(raw);
      if (!Number.isFinite(x))
        throw new InputError(`expected a number, found "${raw.slice(0, 40)}"`, {
          file: label,
          line: r.line,
          column: item,
        });
      return x;
    }),
  );
  const table: ItemTable = { label, items, rows };
  if (opts.subject !== undefined && opts.session !== undefined) {
    const { subject, session } = opts;
    table.keys = records.map((r) => {
      const s = (r.values[subject] ?? '').trim();
      const t = (r.values[session] ?? '').trim();
      if (s === '') throw new InputError('the subject is empty', { file: label, line: r.line, column: subject });
      if (t === '') throw new InputError('the session is empty', { file: label, line: r.line, column: session });
      return { subject: s, time: t };
    });
  }
  return table;
}

/**
 * The keyed item values of a study's stored responses to one instrument form (reverse-keyed items keyed as the
 * scoring engine keys them), restricted to one scale's items when `scale` is given.
 */
export async function readStudyItems(
  studyDir: string,
  q: { instrument: string; form: string; scale?: string; source: 'self-report' | 'coder' },
): Promise<ItemTable> {
  const [{ instrumentCall, registryFor }, { openStudy }, { itemResponses }, { scoreView }] = await Promise.all([
    import('../instruments/registry'),
    import('../../../store/study'),
    import('../../../store/responses'),
    import('@alliance-lab/instruments'),
  ]);
  const registry = await registryFor(studyDir);
  const view = instrumentCall(() => registry.view(q.instrument, q.form));
  let items = view.items.map((it) => it.id);
  if (q.scale !== undefined) {
    const scale = view.scales.find((s) => s.id === q.scale);
    if (!scale)
      throw new UsageError(
        `${q.instrument} ${q.form} has no scale "${q.scale}"; its scales are ${view.scales.map((s) => s.id).join(', ')}`,
      );
    items = scale.items;
  }
  const study = await openStudy(studyDir);
  try {
    const stored = await itemResponses(study.db, q);
    if (stored.length === 0)
      throw new InputError(`the study holds no ${q.source} responses to ${q.instrument} ${q.form}`, {
        file: studyDir,
      });
    const rows = stored.map((r) => {
      const keyed = scoreView(view, r.items).keyed;
      return items.map((id) => keyed[id] ?? null);
    });
    const keys = stored.map((r) => ({
      subject: q.source === 'coder' ? `${r.client}/${r.respondent}` : r.client,
      time: String(r.session),
    }));
    return {
      label: `${basename(studyDir)} ${q.instrument} ${q.form}${q.scale ? ` ${q.scale}` : ''}`,
      items,
      rows,
      keys,
    };
  } finally {
    await study.close();
  }
}
