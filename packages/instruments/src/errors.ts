/**
 * A definition or wording file that is wrong. Names the file and the field path (forms[1].scale.max) so the fix
 * is obvious. The CLI maps it to its bad-input exit code; this package stays free of core.
 */
export class InstrumentFileError extends Error {
  readonly file: string;
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super(
      `${file}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  ${problems.join('\n  ')}`}`,
    );
    this.name = 'InstrumentFileError';
    this.file = file;
    this.problems = problems;
  }
}

/** A request the registry cannot serve: an unknown instrument or a form the instrument does not have. */
export class InstrumentLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InstrumentLookupError';
  }
}

/** Turns a zod issue path into readable text: items[3].keying.reverse */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}
