import { join } from 'node:path';
import type { ScoreBatch, StreamKey, StreamSession } from '../../store/score-stream';
import { CsvWriter, NUMBER_BYTES, type WrittenFile } from '../csv-writer';
import type { ColumnSpec } from './columns';
import type { DataFormat } from './formats';
import { ScoresParquet } from './scores-parquet';
import type { WrittenTable } from './table-writer';

/** The scores table's columns, in the order the files have them. */
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
export const NEVER_EMPTY = new Set(COLUMNS.filter((c) => c !== 'score' && c !== 'pomp'));

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
  private readonly parquet: ScoresParquet | undefined;
  private readonly formats: readonly DataFormat[];
  private readonly comma = Buffer.from(',');
  /** prorated + 2 × missing → ",p,m" and the end of the record */
  private readonly flags: Buffer[];
  private readonly byKey: Buffer[] = [];
  private lastSession: StreamSession | undefined;
  private sessionBytes = Buffer.alloc(0);

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
      this.parquet = new ScoresParquet(join(dir, 'scores.parquet'), columns, NEVER_EMPTY);
    const eol = this.csv?.eol ?? Buffer.alloc(0);
    this.flags = [0, 1, 2, 3].map((f) => Buffer.concat([Buffer.from(`,${f & 1},${f >> 1}`), eol]));
  }

  /**
   * A batch of the score stream, in its order. `cellsOf` gives a session's client and session cells (asked once
   * per session). A CSV record is the session's cells and the key's cells, each encoded once and kept, then the
   * two numbers and the flags, copied into the writer's buffer.
   */
  addBatch(batch: ScoreBatch, cellsOf: (s: StreamSession) => { client: string; session: number }): void {
    this.rows += batch.n;
    if (this.csv) this.csvBatch(this.csv, batch, cellsOf);
    this.parquet?.add(batch, cellsOf);
  }

  private csvBatch(
    csv: CsvWriter,
    batch: ScoreBatch,
    cellsOf: (s: StreamSession) => { client: string; session: number },
  ): void {
    const { n, session, key, score, pomp, flags } = batch;
    const flagBytes = this.flags;
    let rank = -1;
    let prefix: Buffer = this.comma;
    let records = 0;
    csv.room(0);
    let buf = csv.buffer;
    let at = csv.offset;
    for (let i = 0; i < n; i++) {
      if (session[i] !== rank) {
        rank = session[i]!;
        prefix = this.sessionCells(csv, batch.sessions[rank]!, cellsOf);
      }
      const k = this.byKey[key[i]!] ?? this.keyCells(csv, batch.keys[key[i]!]!);
      const need = prefix.length + k.length + 2 * NUMBER_BYTES + 8;
      if (at + need > buf.length) {
        csv.advance(at, records);
        records = 0;
        csv.room(need);
        buf = csv.buffer;
        at = csv.offset;
      }
      at = copy(buf, at, prefix);
      at = copy(buf, at, k);
      const f = flags[i]!;
      if ((f & 4) === 0) at = csv.putNumber(at, score[i]!);
      buf[at++] = 44;
      if ((f & 8) === 0) at = csv.putNumber(at, pomp[i]!);
      at = copy(buf, at, flagBytes[f & 3]!);
      records++;
      if (at > FLUSH_AT) {
        csv.advance(at, records);
        records = 0;
        buf = csv.buffer;
        at = csv.offset;
      }
    }
    csv.advance(at, records);
  }

  /** "client,session," of a session, kept until the next session comes (a session's scores come together). */
  private sessionCells(
    csv: CsvWriter,
    s: StreamSession,
    cellsOf: (s: StreamSession) => { client: string; session: number },
  ): Buffer {
    if (s !== this.lastSession) {
      this.lastSession = s;
      const { client, session } = cellsOf(s);
      this.sessionBytes = Buffer.concat([cell(csv, client), this.comma, cell(csv, session), this.comma]);
    }
    return this.sessionBytes;
  }

  /** "source,rater,replicate,instrument,form,scale," of a key, kept by key id. */
  private keyCells(csv: CsvWriter, key: StreamKey): Buffer {
    const parts = [key.source, key.rater, key.replicate, key.instrument, key.form, key.scale];
    const b = Buffer.concat(parts.flatMap((p) => [cell(csv, p), this.comma]));
    this.byKey[key.id] = b;
    return b;
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

/** Where a batch hands its bytes to the writer, which writes them out past a megabyte. */
const FLUSH_AT = 1 << 20;

/** A record's part copied in: byte by byte when short, where a call into the typed array's own copy costs more. */
function copy(buf: Buffer, at: number, b: Buffer): number {
  if (b.length > 16) {
    buf.set(b, at);
    return at + b.length;
  }
  for (let i = 0; i < b.length; i++) buf[at + i] = b[i]!;
  return at + b.length;
}

function cell(csv: CsvWriter, v: string | number): Buffer {
  return csv.encode(v) ?? Buffer.alloc(0);
}
