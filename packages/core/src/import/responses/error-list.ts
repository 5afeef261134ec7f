import { formatLocation, type InputError, type InputLocation } from '../../util/errors';

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
  readonly items: RowError[] = [];
  private dropped = 0;

  constructor(
    readonly file: string,
    private readonly cap = 200,
  ) {}

  /** `where.file` names another file read with this one (a REDCap data dictionary, a column map). */
  add(message: string, where: { file?: string; line?: number; column?: string } = {}): void {
    if (this.items.length >= this.cap) {
      this.dropped++;
      return;
    }
    this.items.push({ file: where.file ?? this.file, ...(where.line !== undefined ? { line: where.line } : {}), ...(where.column !== undefined ? { column: where.column } : {}), message });
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

  get count(): number {
    return this.items.length + this.dropped;
  }

  /** Every problem, one per line, each starting with file, line and column. */
  format(): string {
    const lines = this.items.map((e) => formatLocation(locationOf(e)) + e.message);
    if (this.dropped > 0) lines.push(`… and ${this.dropped} more`);
    return lines.join('\n');
  }
}

function locationOf(e: RowError): InputLocation {
  return { file: e.file, ...(e.line !== undefined ? { line: e.line } : {}), ...(e.column !== undefined ? { column: e.column } : {}) };
}
