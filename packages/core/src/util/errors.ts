/** Where in an input file something went wrong. Lines and columns are 1-based, as editors show them. */
export interface InputLocation {
  file?: string;
  line?: number;
  column?: number | string;
}

/**
 * Bad input: the user's file or value is wrong. Exit code 1. The message names the file, line and column
 * and says what was expected, so the fix is obvious without reading code.
 */
export class InputError extends Error {
  readonly location: InputLocation;
  constructor(message: string, location: InputLocation = {}) {
    super(formatLocation(location) + message);
    this.name = 'InputError';
    this.location = location;
  }
}

/** Wrong command line: unknown option, missing argument. Exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function formatLocation(loc: InputLocation): string {
  if (!loc.file && loc.line === undefined) return '';
  const parts = [loc.file ?? '<input>'];
  if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.column !== undefined)
    parts.push(typeof loc.column === 'number' ? `column ${loc.column}` : `column "${loc.column}"`);
  return `${parts.join(', ')}: `;
}

/** Turns a zod issue path into readable text: utterances[3].start */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}
