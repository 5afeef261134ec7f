import type { ScoreBatch, StreamSession } from '../../store/score-stream';
import type { WrittenFile } from '../csv-writer';
import { CodedChunkEncoder, DoubleChunkEncoder, IntValues, TextValues, type ValueTable } from '../parquet/chunks';
import { type ParquetColumn, ParquetFileWriter } from '../parquet/file';
import type { ColumnSpec } from './columns';
import { PARQUET_BATCH, PARQUET_TYPE } from './table-writer';

/** Where a required column's value comes from: the session, the key, or the flags. */
type Source = 'session' | 'key' | 'flag';

/** The scores table's columns as this writer fills them, in the file's order; score and pomp are OPTIONAL. */
const LAYOUT: ReadonlyArray<{ name: string; type: ParquetColumn['type']; from: Source | 'value' }> = [
  { name: 'client', type: 'BYTE_ARRAY', from: 'session' },
  { name: 'session', type: 'INT32', from: 'session' },
  { name: 'source', type: 'BYTE_ARRAY', from: 'key' },
  { name: 'rater_or_respondent', type: 'BYTE_ARRAY', from: 'key' },
  { name: 'replicate', type: 'INT32', from: 'key' },
  { name: 'instrument', type: 'BYTE_ARRAY', from: 'key' },
  { name: 'form', type: 'BYTE_ARRAY', from: 'key' },
  { name: 'scale', type: 'BYTE_ARRAY', from: 'key' },
  { name: 'score', type: 'DOUBLE', from: 'value' },
  { name: 'pomp', type: 'DOUBLE', from: 'value' },
  { name: 'prorated', type: 'INT32', from: 'flag' },
  { name: 'missing', type: 'INT32', from: 'flag' },
];
const KEY_FIELDS = ['source', 'rater', 'replicate', 'instrument', 'form', 'scale'] as const;

/**
 * The scores table's Parquet file, from the score stream's batches with no value boxed per row. A row group's
 * rows are kept as the batch has them (session rank, key id, the two numbers and the flags); when it is full,
 * each text and integer column is coded from the session or the key — a code per distinct value across the
 * file, looked up once per session and once per key — and dictionary encoded by code, the two flags from their
 * bits and the two numbers by their bits. Same schema as TableWriter's Parquet (scores-table.test.ts compares
 * them).
 */
export class ScoresParquet {
  private readonly file: ParquetFileWriter;
  private readonly rank: Int32Array;
  private readonly key: Int32Array;
  private readonly score: Float64Array;
  private readonly pomp: Float64Array;
  private readonly flags: Uint8Array;
  private n = 0;
  /** By column from the session or the key: the file's distinct values. */
  private readonly tables: ValueTable[];
  /** By column from the session or the key: a session rank's or a key id's code, -1 until known. */
  private codeOf: Int32Array[];
  private readonly present: Int32Array;
  private readonly values: Float64Array;
  private readonly coded = new CodedChunkEncoder();
  private readonly doubles = new DoubleChunkEncoder();
  private knownKeys = 0;

  constructor(
    path: string,
    columns: readonly ColumnSpec[],
    required: ReadonlySet<string>,
    private readonly rowsPerGroup = PARQUET_BATCH,
  ) {
    const schema = columns.map((c, i): ParquetColumn => {
      const t = PARQUET_TYPE[c.type];
      const want = LAYOUT[i];
      if (!want || want.name !== c.name || want.type !== t.type || required.has(c.name) !== (want.from !== 'value'))
        throw new Error(`the scores table's Parquet columns changed at ${c.name}`);
      return { name: c.name, type: t.type, utf8: t.converted_type === 'UTF8', optional: !required.has(c.name) };
    });
    if (schema.length !== LAYOUT.length) throw new Error("the scores table's Parquet columns changed");
    this.file = new ParquetFileWriter(path, schema, 'alliance-lab');
    this.rank = new Int32Array(rowsPerGroup);
    this.key = new Int32Array(rowsPerGroup);
    this.score = new Float64Array(rowsPerGroup);
    this.pomp = new Float64Array(rowsPerGroup);
    this.flags = new Uint8Array(rowsPerGroup);
    this.present = new Int32Array(rowsPerGroup);
    this.values = new Float64Array(rowsPerGroup);
    this.tables = LAYOUT.map((c) => (c.type === 'BYTE_ARRAY' ? new TextValues() : new IntValues()));
    this.codeOf = LAYOUT.map(() => new Int32Array(0));
  }

  add(batch: ScoreBatch, cellsOf: (s: StreamSession) => { client: string; session: number }): void {
    this.learnKeys(batch);
    const { n } = batch;
    for (let i = 0; i < n; ) {
      const take = Math.min(n - i, this.rowsPerGroup - this.n);
      const at = this.n;
      this.rank.set(batch.session.subarray(i, i + take), at);
      this.key.set(batch.key.subarray(i, i + take), at);
      this.score.set(batch.score.subarray(i, i + take), at);
      this.pomp.set(batch.pomp.subarray(i, i + take), at);
      this.flags.set(batch.flags.subarray(i, i + take), at);
      this.learnSessions(batch, at, at + take, cellsOf);
      this.n += take;
      i += take;
      if (this.n === this.rowsPerGroup) this.flush();
    }
  }

  close(): WrittenFile {
    this.flush();
    return this.file.close();
  }

  /** The codes of the keys first seen in this batch (a stream's keys are few and mostly come in its first). */
  private learnKeys(batch: ScoreBatch): void {
    const keys = batch.keys;
    if (keys.length <= this.knownKeys) return;
    LAYOUT.forEach((c, col) => {
      if (c.from !== 'key') return;
      const grown = new Int32Array(keys.length);
      grown.set(this.codeOf[col]!);
      this.codeOf[col] = grown;
    });
    for (let id = this.knownKeys; id < keys.length; id++) {
      const k = keys[id]!;
      let f = 0;
      LAYOUT.forEach((c, col) => {
        if (c.from !== 'key') return;
        const v = k[KEY_FIELDS[f++]!];
        this.codeOf[col]![id] = this.codeFor(col, v);
      });
    }
    this.knownKeys = keys.length;
  }

  /** The codes of the sessions of rows [from, to) not seen before, asking cellsOf once per session. */
  private learnSessions(
    batch: ScoreBatch,
    from: number,
    to: number,
    cellsOf: (s: StreamSession) => { client: string; session: number },
  ): void {
    const rank = this.rank;
    if (this.codeOf[0]!.length < batch.sessions.length)
      for (const col of [0, 1]) {
        const grown = new Int32Array(batch.sessions.length).fill(-1);
        grown.set(this.codeOf[col]!);
        this.codeOf[col] = grown;
      }
    const clients = this.codeOf[0]!;
    const sessions = this.codeOf[1]!;
    let last = -1;
    for (let i = from; i < to; i++) {
      const r = rank[i]!;
      if (r === last || clients[r]! >= 0) {
        last = r;
        continue;
      }
      last = r;
      const s = batch.sessions[r];
      if (!s) throw new Error(`score of an unknown session (rank ${r})`);
      const cells = cellsOf(s);
      clients[r] = this.codeFor(0, cells.client);
      sessions[r] = this.codeFor(1, cells.session);
    }
  }

  private codeFor(col: number, v: string | number | null | undefined): number {
    const table = this.tables[col]!;
    if (table instanceof TextValues && typeof v === 'string') return table.id(v);
    if (table instanceof IntValues && typeof v === 'number') return table.id(v);
    throw new Error(`the scores table's ${LAYOUT[col]!.name} cannot be ${JSON.stringify(v)}`);
  }

  /** The kept rows as a row group. */
  private flush(): void {
    const n = this.n;
    if (n === 0) return;
    this.file.beginGroup(n);
    const coded = this.coded;
    const sessions = coded.firstSeen(this.rank, n, this.codeOf[0]!.length);
    const keys = coded.firstSeen(this.key, n, this.knownKeys);
    for (let col = 0; col < LAYOUT.length; col++) {
      const c = LAYOUT[col]!;
      if (c.from === 'value') {
        const score = c.name === 'score';
        this.file.chunk(this.valueChunk(score ? this.score : this.pomp, score ? 4 : 8));
      } else if (c.from === 'flag') {
        this.file.chunk(coded.encodeBit(this.flags, n, c.name === 'prorated' ? 0 : 1));
      } else if (c.from === 'session') {
        this.file.chunk(coded.encode(this.rank, n, sessions, this.codeOf[col]!, this.tables[col]!));
      } else {
        this.file.chunk(coded.encode(this.key, n, keys, this.codeOf[col]!, this.tables[col]!));
      }
    }
    this.file.endGroup();
    this.n = 0;
  }

  /** A number column's chunk: empty (flag `empty`) and non-finite values are null, as TableWriter writes them. */
  private valueChunk(v: Float64Array, empty: number) {
    const { present, values, flags, n } = this;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      if ((flags[i]! & empty) === 0 && Number.isFinite(x)) {
        present[i] = 1;
        values[m++] = x;
      } else present[i] = 0;
    }
    return this.doubles.encode(present, n, values, m);
  }
}
