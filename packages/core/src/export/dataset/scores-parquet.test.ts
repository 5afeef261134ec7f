import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ColumnChunk, parquetMetadata, parquetReadObjects, snappyUncompress } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../../test/support/temp-dir';
import { ScoreBatch, type StreamKey, type StreamSession } from '../../store/score-batches';
import { columnsFor, TABLES } from './columns';
import { NEVER_EMPTY, ScoresTableWriter } from './scores-table';
import { PARQUET_BATCH, parquetSink } from './table-writer';

const COLUMNS = columnsFor(TABLES.find((t) => t.name === 'scores')!, { identified: false, includeText: false });
type Value = string | number | null;
type Row = Record<string, Value>;

const key = (
  id: number,
  source: StreamKey['source'],
  rater: string,
  replicate: number,
  instrument: string,
  form: string,
  scale: string,
): StreamKey => ({ id, source, rater, replicate, instrument, form, scale });
/** Keys 0–4 for the first row group (non-ASCII among them), 5–7 for the second: one instrument, one scale. */
const KEYS = [
  key(0, 'self-report', 'client', 0, 'wai-sr', 'client', 'total'),
  key(1, 'self-report', 'therapist', 0, 'wai-sr', 'therapist', 'bond'),
  key(2, 'coder', 'k1', 0, 'wai-o-s', 'observer', 'goal'),
  key(3, 'rater', 'gpt,1 "x"', 1, 'wai-o-s', 'observer', 'task'),
  key(4, 'rater', 'Prüfer ñ', 2, 'instrümént', 'förm', 'scälé 🙂'),
  key(5, 'self-report', 'client', 0, 'srs', 'client', 'total'),
  key(6, 'coder', 'k2', 0, 'srs', 'observer', 'total'),
  key(7, 'rater', 'r', 1, 'srs', 'observer', 'total'),
];

let seed = 11;
const random = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};

/** Sessions of 30 rows; the first row group's each have their own client, the second's share three. */
function sessionsOf(rows: number): StreamSession[] {
  return Array.from({ length: Math.ceil(rows / 30) }, (_, s) => ({
    session_id: `S${s}`,
    client: s < 1667 ? `${['C', 'Ärger', '患者', '🙂'][s % 4]}${s}` : `D${s % 3}`,
    therapist: 'T',
    session: (s % 40) + 1,
    date: null,
    rank: s,
  }));
}

/** Row `r`'s key, values and flags, and the row TableWriter's Parquet holds for it. */
function rowAt(r: number, sessions: StreamSession[]) {
  const second = r >= PARQUET_BATCH && r < 2 * PARQUET_BATCH;
  const last = r === 2 * PARQUET_BATCH;
  const k = last ? 0 : second ? 5 + (r % 3) : r % 5;
  // two decimals, and (even rows) 500 values a bit above 1, sharing their high word with it and each other
  const score = last
    ? 1.5
    : second
      ? null
      : r % 2
        ? Math.round((r * 7919) % 601) / 100
        : 1 + (r % 1000) * Number.EPSILON;
  const pomp = last
    ? null
    : second
      ? [null, Number.NaN, Infinity, -Infinity, -0, 0, 12.5, 1, 1 + Number.EPSILON][r % 9]!
      : r % 2
        ? 1 + r * Number.EPSILON
        : r + random();
  const prorated = last ? 1 : second ? 0 : r % 3 === 0 ? 1 : 0;
  const missing = second ? 1 : 0;
  const s = sessions[Math.floor(r / 30)]!;
  const kk = KEYS[k]!;
  const row: Row = {
    client: s.client,
    session: s.session,
    source: kk.source,
    rater_or_respondent: kk.rater,
    replicate: kk.replicate,
    instrument: kk.instrument,
    form: kk.form,
    scale: kk.scale,
    score,
    pomp: pomp !== null && Number.isFinite(pomp) ? pomp : null,
    prorated,
    missing,
  };
  return { rank: s.rank, k, score, pomp, flags: prorated + 2 * missing, row };
}

/**
 * `rows` rows through the ScoresTableWriter in batches of `batchRows` (the stream's keys growing as they come)
 * and, for reference, through the hyparquet-writer sink the table had before with the same required columns.
 */
function write(rows: number, batchRows: number) {
  const dir = tempDir('scores-parquet-');
  const sessions = sessionsOf(rows);
  const keys: StreamKey[] = [];
  const w = new ScoresTableWriter(dir, COLUMNS, ['parquet']);
  const reference = parquetSink(join(dir, 'reference.parquet'), COLUMNS, PARQUET_BATCH, NEVER_EMPTY);
  const expected: Row[] = [];
  let asked = 0;
  const cellsOf = (s: StreamSession) => {
    asked++;
    return { client: s.client, session: s.session };
  };
  for (let from = 0; from < rows; from += batchRows) {
    const b = new ScoreBatch(sessions, keys);
    for (let r = from; r < Math.min(rows, from + batchRows); r++) {
      const { rank, k, score, pomp, flags, row } = rowAt(r, sessions);
      while (keys.length <= k) keys.push(KEYS[keys.length]!);
      b.push(rank, k, score, pomp, flags);
      expected.push(row);
      reference.add(COLUMNS.map((c) => (c.name === 'pomp' ? pomp : row[c.name]!)));
    }
    w.addBatch(b, cellsOf);
  }
  expect(w.close()).toEqual(['scores.parquet']);
  reference.close();
  return { dir, expected, written: w.written['scores.parquet']!, sessionsAsked: asked, sessions: sessions.length };
}

function arrayBuffer(file: string): ArrayBuffer {
  const b = readFileSync(file);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** A chunk's pages as hyparquet reads their headers: dictionary entries, data page kind, encoding, index width. */
function pagesOf(file: ArrayBuffer, chunk: ColumnChunk, optional: boolean) {
  const md = chunk.meta_data!;
  const view = new DataView(file);
  // The chunk's pages in order, each one's header and sizes, summed as the chunk's metadata has them.
  let at = Number(md.dictionary_page_offset ?? md.data_page_offset);
  expect(at).toBe(Number(chunk.file_offset));
  const end = at + Number(md.total_compressed_size);
  let uncompressed = 0;
  const pages = [];
  while (at < end) {
    const reader = { view, offset: at };
    const header = parquetHeader(reader);
    uncompressed += reader.offset - at + header.uncompressed_page_size;
    pages.push({ header, offset: at, body: reader.offset });
    at = reader.offset + header.compressed_page_size;
  }
  expect(at).toBe(end);
  expect(uncompressed).toBe(Number(md.total_uncompressed_size));
  const data = pages.at(-1)!;
  expect(data.offset).toBe(Number(md.data_page_offset));
  const dictionary = pages.length === 2 ? pages[0]!.header.dictionary_page_header!.num_values : undefined;
  const h = data.header;
  const stored = new Uint8Array(file, data.body, h.compressed_page_size);
  const body = new Uint8Array(h.uncompressed_page_size);
  if (md.codec === 'SNAPPY') snappyUncompress(stored, body);
  else body.set(stored);
  const values = optional ? 4 + new DataView(body.buffer).getUint32(0, true) : 0;
  const encoding = h.data_page_header!.encoding;
  return { dictionary, type: h.type, encoding, width: encoding === 'RLE_DICTIONARY' ? body[values] : undefined };
}

describe("the scores table's Parquet", () => {
  it('holds every value, in the schema and row groups the hyparquet-writer sink wrote, read back by hyparquet', async () => {
    const { dir, expected, written, sessionsAsked, sessions } = write(2 * PARQUET_BATCH + 1, 30_007);
    const file = arrayBuffer(join(dir, 'scores.parquet'));
    const reference = arrayBuffer(join(dir, 'reference.parquet'));
    const meta = parquetMetadata(file);
    const refMeta = parquetMetadata(reference);

    expect(await parquetReadObjects({ file })).toEqual(expected);
    // hyparquet-writer's dictionary is a Map, which takes -0 and 0 for one value: the sink wrote 0 as -0.
    const zero = (rows: Row[]) => rows.map((r) => ({ ...r, pomp: r.pomp === 0 ? 0 : r.pomp }));
    expect(zero((await parquetReadObjects({ file: reference })) as Row[])).toEqual(zero(expected));
    expect(meta.schema).toEqual(refMeta.schema);
    expect(meta.schema.map((e) => e.repetition_type).slice(1)).toEqual(
      COLUMNS.map((c) => (c.name === 'score' || c.name === 'pomp' ? 'OPTIONAL' : 'REQUIRED')),
    );
    expect(meta.num_rows).toBe(BigInt(expected.length));
    expect(meta.row_groups.map((g) => g.num_rows)).toEqual([50_000n, 50_000n, 1n]);
    expect(refMeta.row_groups.map((g) => g.num_rows)).toEqual([50_000n, 50_000n, 1n]);
    expect(meta.created_by).toBe('alliance-lab');
    expect(sessionsAsked).toBe(sessions);
    const bytes = readFileSync(join(dir, 'scores.parquet'));
    expect(written).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });

    const page = (g: number, column: string) =>
      pagesOf(
        file,
        meta.row_groups[g]!.columns[COLUMNS.findIndex((c) => c.name === column)]!,
        !NEVER_EMPTY.has(column),
      );
    const dict = (dictionary: number, width: number) => ({
      dictionary,
      type: 'DATA_PAGE',
      encoding: 'RLE_DICTIONARY',
      width,
    });
    const plain = { dictionary: undefined, type: 'DATA_PAGE', encoding: 'PLAIN', width: undefined };
    // A client per session (1,667 in the first group: 11 bits); the session crossing into the second and three.
    expect(page(0, 'client')).toEqual(dict(1667, 11));
    expect(page(1, 'client')).toEqual(dict(4, 2));
    expect(page(0, 'source')).toEqual(dict(3, 2));
    expect(page(0, 'prorated')).toEqual(dict(2, 1));
    // One distinct value: one entry, one bit (what Arrow writes; a width of 0 is not read by every reader).
    expect(page(1, 'instrument')).toEqual(dict(1, 1));
    expect(page(1, 'prorated')).toEqual(dict(1, 1));
    expect(page(2, 'client')).toEqual(dict(1, 1));
    // Scores with few distinct values and no nulls: a dictionary; every score null: no values at all.
    expect(new Set(expected.slice(0, PARQUET_BATCH).map((r) => r.score)).size).toBe(1100);
    expect(page(0, 'score')).toEqual(dict(1100, 11));
    expect(page(1, 'score')).toEqual(plain);
    // Distinct measurements (half of them sharing their high word): PLAIN; among nulls and non-finite values, -0, 0, 12.5 and two values a bit apart
    // (the same high word): a dictionary of five.
    expect(page(0, 'pomp')).toEqual(plain);
    expect(page(1, 'pomp')).toEqual(dict(5, 3));
    expect(page(2, 'pomp')).toEqual(plain);
    // SNAPPY, as the reference's; dictionary encoding keeps it as small.
    expect(meta.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data!.codec))).toEqual(
      Array(3 * COLUMNS.length).fill('SNAPPY'),
    );
    expect(file.byteLength).toBeLessThan(1.2 * reference.byteLength);
  });

  it('writes one row, and no rows, as files readers open', async () => {
    const one = write(1, 1);
    const file = arrayBuffer(join(one.dir, 'scores.parquet'));
    expect(await parquetReadObjects({ file })).toEqual(one.expected);
    expect(parquetMetadata(file).schema).toEqual(
      parquetMetadata(arrayBuffer(join(one.dir, 'reference.parquet'))).schema,
    );

    const none = write(0, 1);
    const empty = arrayBuffer(join(none.dir, 'scores.parquet'));
    expect(await parquetReadObjects({ file: empty })).toEqual([]);
    const meta = parquetMetadata(empty);
    expect([meta.num_rows, meta.row_groups.length, meta.schema.length]).toEqual([0n, 0, COLUMNS.length + 1]);
  });

  it('refuses a session number that is not a 32-bit integer', () => {
    const dir = tempDir('scores-parquet-');
    const w = new ScoresTableWriter(dir, COLUMNS, ['parquet']);
    const b = new ScoreBatch(sessionsOf(1), [KEYS[0]!]);
    b.push(0, 0, 1, 1, 0);
    expect(() => w.addBatch(b, () => ({ client: 'C', session: 2 ** 31 }))).toThrow(/not a 32-bit integer: 2147483648/);
  });
});
