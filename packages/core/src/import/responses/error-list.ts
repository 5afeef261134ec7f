import { formatLocation, type InputError } from '../../util/errors';

export interface RowError {
  file: string;
  line?: number;
  column?: string;
  message: string;
}

/**
 * Row-level problems of one file. A file with a typo in row 40 often has the same typo in rows 41–300, so the
 * importer reports every problem (up to a cap) in one run instead of making the user fix them one at a time.
 */
export class ErrorList {
  private readonly listed: RowError[] = [];
  private dropped = 0;

  constructor(
    readonly file: string,
    private readonly cap = 200,
  ) {}

  /** `where.file` names another file read with this one (a REDCap data dictionary, a column map). */
  add(message: string, where: { file?: string; line?: number; column?: string } = {}): void {
    if (this.listed.length >= this.cap) {
      this.dropped++;
      return;
    }
    this.listed.push({
      file: where.file ?? this.file,
      ...(where.line !== undefined ? { line: where.line } : {}),
      ...(where.column !== undefined ? { column: where.column } : {}),
      message,
    });
  }

  /** Records an InputError thrown by a shared helper (ensureSession, say) as a row error. */
  addError(err: InputError): void {
    const loc = err.location;
    const prefix = formatLocation(loc);
    this.add(err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message, {
      ...(loc.line !== undefined ? { line: loc.line } : {}),
      ...(loc.column !== undefined ? { column: String(loc.column) } : {}),
    });
  }

  /** Forgets every problem: a transaction run again (PostgreSQL, after losing a race) finds them anew. */
  clear(): void {
    this.listed.length = 0;
    this.dropped = 0;
  }

  get count(): number {
    return this.listed.length + this.dropped;
  }

  /** The problems in the order found; past the cap, one last entry says how many more there were. */
  get items(): RowError[] {
    return this.dropped > 0
      ? [...this.listed, { file: this.file, message: `… and ${this.dropped} more problems` }]
      : [...this.listed];
  }
}
