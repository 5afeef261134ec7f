import { join } from 'node:path';
import type { StreamKey } from '../../store/score-stream';
import { CsvWriter, type WrittenFile } from '../csv-writer';
import type { ColumnSpec } from './columns';
import type { DataFormat } from './formats';
import { type FileSink, PARQUET_BATCH, parquetSink, type WrittenTable } from './table-writer';

/** The scores table's columns, in the order `add` takes its cells. */
const COLUMNS = [
  'client',
  'session',
  'source',
  'rater_or_respondent',
  'replicate',
  'instrument',
  'form',
  'scale',
  'score',
  'pomp',
  'prorated',
  'missing',
];

/** Every column but the two values: a score's keys and flags are always there. */
const NEVER_EMPTY = new Set(COLUMNS.filter((c) => c !== 'score' && c !== 'pomp'));

/**
 * The scores table's files, written from the score stream's shared session and key objects: the CSV's bytes and
 * the Parquet's values are a TableWriter's given the rows (scores-table.test.ts compares them), but a CSV record is put together from
 * the session's cells and the key's cells, each encoded once, and the two numbers; encoding twelve cells a row
 * was most of the CSV's cost at a million rows.
 */
export class ScoresTableWriter implements WrittenTable {
  rows = 0;
  closed = false;
  readonly written: Record<string, WrittenFile> = {};
  private readonly csv: CsvWriter | undefined;
  private readonly parquet: FileSink | undefined;
  private readonly formats: readonly DataFormat[];
  private readonly comma = Buffer.from(',');
  /** prorated + 2 × missing → ",p,m" */
  private readonly flags: Buffer[];
  private readonly byKey: Buffer[] = [];
  private lastSession: unknown;
  private sessionBytes = Buffer.alloc(0);
  private readonly cells: Array<string | number | null> = new Array(COLUMNS.length);

  constructor(
    dir: string,
    readonly columns: readonly ColumnSpec[],
    formats: readonly DataFormat[],
  ) {
    this.formats = formats;
    const names = columns.map((c) => c.name);
    if (names.join() !== COLUMNS.join()) throw new Error(`the scores table's columns changed: ${names.join(', ')}`);
    if (formats.includes('csv')) this.csv = new CsvWriter(join(dir, 'scores.csv'), names);
    if (formats.includes('parquet'))
      this.parquet = parquetSink(join(dir, 'scores.parquet'), columns, PARQUET_BATCH, NEVER_EMPTY);
    this.flags = [0, 1, 2, 3].map((f) => Buffer.from(`,${f & 1},${f >> 1}`));
  }

  /**
   * One score. `session` is an object shared by the session's rows (its cells are encoded when it changes), `key`
   * the stream's shared key object.
   */
  add(
    session: object,
    client: string,
    sessionNumber: number,
    key: StreamKey,
    score: number | null,
    pomp: number | null,
    prorated: boolean,
    missing: boolean,
  ): void {
    this.rows++;
    const csv = this.csv;
    if (csv) {
      if (session !== this.lastSession) {
        this.lastSession = session;
        this.sessionBytes = Buffer.concat([cell(csv, client), this.comma, cell(csv, sessionNumber), this.comma]);
      }
      csv.put(this.sessionBytes);
      let k = this.byKey[key.id];
      if (k === undefined) {
        const parts = [key.source, key.rater, key.replicate, key.instrument, key.form, key.scale];
        this.byKey[key.id] = k = Buffer.concat(parts.flatMap((p) => [cell(csv, p), this.comma]));
      }
      csv.put(k);
      const s = score === null ? undefined : csv.encode(score);
      if (s) csv.put(s);
      csv.put(this.comma);
      const p = pomp === null ? undefined : csv.encode(pomp);
      if (p) csv.put(p);
      csv.put(this.flags[(prorated ? 1 : 0) + (missing ? 2 : 0)]!);
      csv.endRecord();
    }
    if (this.parquet) {
      const c = this.cells;
      c[0] = client;
      c[1] = sessionNumber;
      c[2] = key.source;
      c[3] = key.rater;
      c[4] = key.replicate;
      c[5] = key.instrument;
      c[6] = key.form;
      c[7] = key.scale;
      c[8] = score;
      c[9] = pomp;
      c[10] = prorated ? 1 : 0;
      c[11] = missing ? 1 : 0;
      this.parquet.add(c);
    }
  }

  /** The files written, by name within the folder. */
  close(): string[] {
    this.closed = true;
    return this.formats.map((f) => {
      const name = `scores.${f}`;
      this.written[name] = f === 'csv' ? this.csv!.close() : this.parquet!.close();
      return name;
    });
  }
}

function cell(csv: CsvWriter, v: string | number): Buffer {
  return csv.encode(v) ?? Buffer.alloc(0);
}
