import { InputError } from '../../../util/errors';
import { readColumnMap } from '../column-map';
import { readCsvTable } from '../csv-table';
import { IdReader, clip, parseSessionIndex } from '../ids';
import { findNumberedGroup } from '../item-columns';
import type { ParseInput, ParsedResponses, RawResponse } from '../types';
import { readDataDictionary, type DictionaryField } from './dictionary';
import { eventMapper } from './events';

export interface RedcapOptions {
  /** The project's data dictionary CSV: which fields exist, on which form, with which coded choices. */
  dictionary: string;
  /** --events: how event names become session indexes (see events.ts). */
  events?: string;
  /** --map: field → item CSV, for fields not named <prefix>_<item>. */
  map?: string;
}

const EVENT = 'redcap_event_name';
const REPEAT_INSTRUMENT = 'redcap_repeat_instrument';
const REPEAT_INSTANCE = 'redcap_repeat_instance';
const VALUE_TYPES = new Set(['radio', 'dropdown', 'text', 'slider', 'calc', 'yesno', 'truefalse']);

/**
 * A REDCap "CSV (raw data)" or "CSV (labels)" export, read with the project's data dictionary. The client is
 * the record id (or a `client` field); the session comes from a session field, else from the event name,
 * else from the repeat instance of a repeating instrument or event.
 */
export async function parseRedcap(input: ParseInput, opts: RedcapOptions): Promise<ParsedResponses> {
  const dict = await readDataDictionary(opts.dictionary);
  const { header, rows } = await readCsvTable(input.path, input.label, input.delimiter);
  const fieldsByName = new Map(dict.fields.map((f) => [f.name, f]));

  // item id → dictionary field
  const byItem = new Map<string, DictionaryField>();
  if (opts.map) {
    const map = await readColumnMap(opts.map, input.items);
    for (const [name, { item, line }] of map.entries) {
      const field = fieldsByName.get(name);
      if (!field)
        throw new InputError(`field "${clip(name)}" is not in the data dictionary ${dict.file}`, {
          file: map.file,
          line,
          column: map.sourceColumn,
        });
      byItem.set(item, field);
    }
  } else {
    const candidates = dict.fields.filter((f) => VALUE_TYPES.has(f.type)).map((f) => f.name);
    const found = findNumberedGroup(candidates, input.items);
    if ('candidates' in found) {
      throw new InputError(
        `cannot tell which fields hold items ${input.items.join(', ')}: no single group of fields is numbered exactly so${
          found.candidates.length ? ` (numbered groups: ${found.candidates.slice(0, 8).join(', ')})` : ''
        }; give a --map file with columns field,item`,
        { file: dict.file },
      );
    }
    for (const [item, name] of found.byItem) byItem.set(item, fieldsByName.get(name)!);
  }

  for (const [item, field] of byItem) {
    if (!header.includes(field.name)) {
      throw new InputError(
        `the export has no column "${field.name}" (item ${item}, form ${field.form}); export the form's fields`,
        { file: input.label, line: 1 },
      );
    }
    // A radio coded 0–4 for a 1–5 scale would import without a single out-of-range value and score every
    // client one point low, so the coding itself is checked against the scale before any row is read.
    for (const code of field.choices?.keys() ?? []) {
      const why = input.checkValue(item, code);
      if (why)
        input.errors.add(
          `field ${field.name} (item ${item}) has choice code ${code}, which the scale does not allow: ${why}`,
          { file: dict.file, line: field.line, column: dict.choicesColumn },
        );
    }
  }
  const forms = new Set([...byItem.values()].map((f) => f.form));

  const recordId = dict.fields[0]!.name;
  const clientColumn = header.includes(input.columns.client) ? input.columns.client : recordId;
  const sessionFromColumn = header.includes(input.columns.session);
  const longitudinal = header.includes(EVENT);
  if (opts.events !== undefined && !longitudinal) {
    throw new InputError(`--events was given but the export has no ${EVENT} column (not a longitudinal project)`, {
      file: input.label,
      line: 1,
    });
  }
  const toSession = longitudinal ? eventMapper(opts.events) : undefined;
  const ids = new IdReader({
    columns: { ...input.columns, client: clientColumn },
    respondent: input.respondent,
    errors: input.errors,
    header,
    label: input.label,
    sessionFromColumn,
    options: { client: '--client-column (default: the record id field)' },
  });

  // The therapist is usually entered once per record (on an intake or baseline event), not on every event.
  const therapistOf = new Map<string, string>();
  const therapistColumn = input.columns.therapist;
  if (header.includes(therapistColumn)) {
    for (const row of rows) {
      const t = row.values[therapistColumn]!.trim();
      const rec = row.values[clientColumn]!.trim();
      if (t !== '' && !therapistOf.has(rec)) therapistOf.set(rec, t);
    }
  }

  const responses: RawResponse[] = [];
  let skipped = 0;
  for (const row of rows) {
    const repeat = (row.values[REPEAT_INSTRUMENT] ?? '').trim();
    if (repeat !== '' && !forms.has(repeat)) {
      skipped++;
      continue;
    }
    const values = input.items.map((item) => {
      const field = byItem.get(item)!;
      return { item, raw: decodeLabel(row.values[field.name]!.trim(), field), line: row.line, column: field.name };
    });
    // REDCap exports a row per record and event whatever was filled in; a row without this form's answers is another form's.
    if (values.every((v) => v.raw === '')) {
      skipped++;
      continue;
    }
    let session: number | undefined;
    if (!sessionFromColumn) {
      const event = (row.values[EVENT] ?? '').trim();
      const instance = (row.values[REPEAT_INSTANCE] ?? '').trim();
      session = toSession && event !== '' ? toSession(event) : undefined;
      if (session === undefined && instance !== '') {
        session = parseSessionIndex(instance);
        if (session === undefined) {
          input.errors.add(`repeat instance "${clip(instance)}" is not a whole number from 1`, {
            line: row.line,
            column: REPEAT_INSTANCE,
          });
          continue;
        }
      }
      if (session === undefined) {
        input.errors.add(
          longitudinal
            ? `event "${clip(event)}" gives no session index under ${toSession!.describe}; pass --events with a pattern (session_{n}_arm_1) or a list (${event || 'baseline_arm_1'}=1)`
            : `no session index: the export has no ${EVENT}, no repeat instance and no "${input.columns.session}" field`,
          { line: row.line, column: longitudinal ? EVENT : REPEAT_INSTANCE },
        );
        continue;
      }
    }
    let rowValues = row.values;
    const rec = row.values[clientColumn]!.trim();
    if (therapistOf.has(rec) && row.values[therapistColumn]!.trim() === '')
      rowValues = { ...row.values, [therapistColumn]: therapistOf.get(rec)! };
    const got = ids.read(rowValues, row.line, session);
    if (!got) continue;
    responses.push({ line: row.line, ...got, values });
  }
  return { responses, rows: rows.length, skipped };
}

/** A "CSV (labels)" export holds choice labels; map them back to codes so both export kinds import the same. */
function decodeLabel(raw: string, field: DictionaryField): string {
  if (raw === '' || !field.choices || field.choices.has(raw)) return raw;
  const want = raw.toLowerCase();
  for (const [code, label] of field.choices) if (label.toLowerCase() === want) return code;
  return raw;
}
