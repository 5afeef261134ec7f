import { InputError } from './errors';
import { readTextChunks } from './text-input';

export interface CsvRecord {
  fields: string[];
  /** 1-based line on which the record starts. */
  line: number;
}

export interface CsvOptions {
  delimiter?: string;
  /** File name used in error messages. */
  file?: string;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

/**
 * RFC 4180 CSV parser, fed in chunks so files of any size stream through it. Strict about quoting: a quote
 * inside an unquoted field, text after a closing quote, or a quote never closed are errors with the line and
 * column, because a silently mis-split row shifts every later value into the wrong column.
 */
export class CsvParser {
  private readonly delim: number;
  private readonly file: string | undefined;
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  private afterQuote = false;
  private quoteLine = 0;
  private quoteCol = 0;
  private line = 1;
  private col = 0;
  private recordLine = 1;
  private fieldStarted = false;
  private pendingCR = false;

  constructor(opts: CsvOptions = {}) {
    const d = opts.delimiter ?? ',';
    if (d.length !== 1) throw new Error('CSV delimiter must be one character');
    this.delim = d.charCodeAt(0);
    this.file = opts.file;
  }

  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    const n = chunk.length;
    let i = 0;
    if (this.pendingCR) {
      this.pendingCR = false;
      if (n > 0 && chunk.charCodeAt(0) === LF) i = 1;
    }
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      this.col++;
      if (this.inQuotes) {
        if (c === QUOTE) {
          if (i + 1 < n) {
            if (chunk.charCodeAt(i + 1) === QUOTE) {
              this.field += '"';
              i++;
              this.col++;
            } else {
              this.inQuotes = false;
              this.afterQuote = true;
            }
          } else {
            // A quote at the chunk's end: it may be the first half of an escaped "". Decide on the next chunk.
            this.inQuotes = false;
            this.afterQuote = true;
          }
        } else {
          if (c === LF) this.newline();
          this.field += chunk[i];
        }
        continue;
      }
      if (this.afterQuote) {
        if (c === QUOTE) {
          // "" split across chunks: an escaped quote inside the quoted field.
          this.field += '"';
          this.inQuotes = true;
          this.afterQuote = false;
          continue;
        }
        if (c !== this.delim && c !== CR && c !== LF) {
          this.fail(
            `unexpected text after a closing quote; a field that contains quotes must be quoted as a whole with inner quotes doubled ("")`,
          );
        }
        this.afterQuote = false;
      }
      if (c === this.delim) {
        this.fields.push(this.field);
        this.field = '';
        this.fieldStarted = true;
      } else if (c === CR || c === LF) {
        if (c === CR) {
          if (i + 1 < n) {
            if (chunk.charCodeAt(i + 1) === LF) i++;
          } else this.pendingCR = true;
        }
        this.endRecord(out);
        this.newline();
      } else if (c === QUOTE) {
        if (this.field.length > 0)
          this.fail('a quote inside an unquoted field; quote the whole field and double the inner quotes ("")');
        this.inQuotes = true;
        this.quoteLine = this.line;
        this.quoteCol = this.col;
        this.fieldStarted = true;
      } else {
        this.field += chunk[i];
        this.fieldStarted = true;
      }
    }
    return out;
  }

  end(): CsvRecord[] {
    if (this.inQuotes) {
      throw new InputError(
        `a quoted field opened at column ${this.quoteCol} is never closed (the file ends inside quotes)`,
        {
          file: this.file,
          line: this.quoteLine,
        },
      );
    }
    const out: CsvRecord[] = [];
    this.afterQuote = false;
    this.endRecord(out);
    return out;
  }

  private endRecord(out: CsvRecord[]): void {
    if (this.fieldStarted || this.field.length > 0 || this.fields.length > 0 || this.afterQuote) {
      this.fields.push(this.field);
      out.push({ fields: this.fields, line: this.recordLine });
    }
    this.fields = [];
    this.field = '';
    this.fieldStarted = false;
    this.afterQuote = false;
  }

  private newline(): void {
    this.line++;
    this.col = 0;
    if (!this.inQuotes) this.recordLine = this.line;
  }

  private fail(message: string): never {
    throw new InputError(message, { file: this.file, line: this.line, column: this.col });
  }
}

/** Parses CSV text held in memory. */
export function parseCsv(text: string, opts: CsvOptions = {}): CsvRecord[] {
  const p = new CsvParser(opts);
  const rows = p.push(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  return rows.concat(p.end());
}

/** Streams the records of a CSV file (UTF-8 checked). */
export async function* readCsvRecords(file: string, opts: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  const p = new CsvParser({ ...opts, file: opts.file ?? file });
  for await (const chunk of readTextChunks(file, { label: opts.file })) yield* p.push(chunk);
  yield* p.end();
}

export interface CsvRow {
  /** Values by header name. */
  values: Record<string, string>;
  line: number;
}

/**
 * Pairs records with the header row. A record with a different number of fields than the header is an error:
 * it almost always means broken quoting somewhere above.
 */
export async function* readCsvRows(file: string, opts: CsvOptions = {}): AsyncGenerator<CsvRow> {
  yield* rowsFromRecords(readCsvRecords(file, opts), opts.file ?? file);
}

export async function* rowsFromRecords(
  records: AsyncIterable<CsvRecord> | Iterable<CsvRecord>,
  file: string,
): AsyncGenerator<CsvRow> {
  let header: string[] | undefined;
  for await (const rec of records) {
    if (!header) {
      header = rec.fields.map((h) => h.trim());
      const dup = header.find((h, i) => header!.indexOf(h) !== i);
      if (dup !== undefined) throw new InputError(`the header names column "${dup}" twice`, { file, line: rec.line });
      continue;
    }
    if (rec.fields.length === 1 && rec.fields[0] === '') continue; // blank line
    if (rec.fields.length !== header.length) {
      throw new InputError(
        `expected ${header.length} fields as in the header, found ${rec.fields.length}; check the quoting on this or the previous row`,
        {
          file,
          line: rec.line,
        },
      );
    }
    const values: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) values[header[i]!] = rec.fields[i]!;
    yield { values, line: rec.line };
  }
  if (!header) throw new InputError('the file is empty; expected a header row', { file, line: 1 });
}

/** Quotes a value for CSV output when needed (RFC 4180). */
export function csvEscape(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: Array<Record<string, unknown>>): string {
  const lines = [header.map(csvEscape).join(',')];
  for (const r of rows) lines.push(header.map((h) => csvEscape(r[h])).join(','));
  return `${lines.join('\n')}\n`;
}
