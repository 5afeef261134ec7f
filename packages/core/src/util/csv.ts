import { InputError, UsageError } from './errors';
import { readTextChunks } from './text-input';

export interface CsvRecord {
  fields: string[];
  /** 1-based line on which the record starts. */
  line: number;
}

export interface CsvOptions {
  /** The field separator; when not given, readers detect comma, semicolon or tab from the header line. */
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
          const advice = `a field that contains quotes must be quoted as a whole with inner quotes doubled ("")`;
          // The quote that went wrong is the one that opened the field; when it spans lines, point there.
          if (this.quoteLine !== this.line) {
            throw new InputError(
              `the quoted field opened here closes on line ${this.line} and is followed by text at column ${this.col}; ${advice}`,
              { file: this.file, line: this.quoteLine, column: this.quoteCol },
            );
          }
          this.fail(`unexpected text after a closing quote; ${advice}`);
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

export const DETECTED_DELIMITERS = [',', ';', '\t'] as const;

/**
 * Guesses the delimiter from the header line: whichever of comma, semicolon and tab occurs most often outside
 * quotes. Excel writes semicolons where the comma is the decimal mark (much of Europe), and tab-separated
 * exports are common; a header is short and names columns, so the count is a reliable tell. Comma on a tie.
 */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>(DETECTED_DELIMITERS.map((d) => [d, 0]));
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (c === '\n' || c === '\r')) break;
    else if (!inQuotes && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

/** The --delimiter option: one character, or the words comma, semicolon and tab (a tab is hard to type). */
export function parseDelimiterOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const named: Record<string, string> = { comma: ',', semicolon: ';', tab: '\t', '\\t': '\t' };
  const d = named[value.toLowerCase()] ?? value;
  if (d.length !== 1 || d === '"' || d === '\n' || d === '\r')
    throw new UsageError(`--delimiter must be one character (or comma, semicolon, tab), got "${value}"`);
  return d;
}

/** Names a delimiter in messages; a tab is invisible when quoted. */
export function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : d === ';' ? 'semicolon' : d === ',' ? 'comma' : `"${d}"`;
}

/**
 * When a header came out as one column that holds delimiter-like characters, the file was split with the
 * wrong delimiter; says so, with the option that fixes it. Empty when the header looks fine.
 */
export function joinedHeaderHint(header: readonly string[]): string {
  if (header.length !== 1) return '';
  const only = header[0]!;
  const d = [',', ';', '\t', '|'].find((c) => only.includes(c));
  if (d === undefined) return '';
  const flag = d === '\t' ? 'tab' : d;
  return `; the header reads as one column joined by ${delimiterName(d)}s, so the file is probably ${delimiterName(d)}-separated: give --delimiter '${flag}'`;
}

/** Parses CSV text held in memory. */
export function parseCsv(text: string, opts: CsvOptions = {}): CsvRecord[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const p = new CsvParser({ ...opts, delimiter: opts.delimiter ?? detectDelimiter(body) });
  const rows = p.push(body);
  return rows.concat(p.end());
}

/** Streams the records of a CSV file (UTF-8 checked). */
export async function* readCsvRecords(file: string, opts: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  let p: CsvParser | undefined;
  for await (const chunk of readTextChunks(file, { label: opts.file })) {
    p ??= new CsvParser({ ...opts, file: opts.file ?? file, delimiter: opts.delimiter ?? detectDelimiter(chunk) });
    yield* p.push(chunk);
  }
  yield* (p ?? new CsvParser({ ...opts, file: opts.file ?? file })).end();
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
        `expected ${header.length} field${header.length === 1 ? '' : 's'} as in the header, found ${rec.fields.length}; check the quoting on this or the previous row${joinedHeaderHint(header)}`,
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

/**
 * Splits a comma-separated option value ("a=1,b=2") at commas outside double quotes, so an entry can hold a
 * comma when quoted: '"Lee, Jordan (Dr.)"=therapist,Sam=client'. The quotes stay for the entry's own parser.
 */
export function splitOutsideQuotes(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuotes = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (c === ',' && !inQuotes) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out;
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
