import { basename } from 'node:path';
import { UsageError } from '../../util/errors';
import type { SessionMeta } from './types';

const PLACEHOLDERS = {
  // Ids match lazily and are checked as pseudonyms later; backtracking still lets "{client}_s{session}.vtt" read
  // "C_s01_s3.vtt" as client "C_s01", because the whole name has to match.
  client: '(.+?)',
  therapist: '(.+?)',
  session: '(\\d+)',
  date: '(\\d{4}-\\d{2}-\\d{2})',
} as const;
type Placeholder = keyof typeof PLACEHOLDERS;

/**
 * --name-pattern "{client}_s{session}.vtt": reads session metadata off file names, so a folder of caption files
 * imports in one command. The pattern matches the whole base name; {client}, {therapist}, {session} and {date}
 * capture, "*" matches anything, everything else is literal.
 */
export class NamePattern {
  private constructor(
    readonly pattern: string,
    private readonly regex: RegExp,
    private readonly fields: Placeholder[],
  ) {}

  static compile(pattern: string): NamePattern {
    const fields: Placeholder[] = [];
    let source = '';
    const re = /\{([^{}]*)\}|\*|[^{}*]+|[{}]/g;
    for (const m of pattern.matchAll(re)) {
      const [token, name] = m;
      if (name !== undefined) {
        if (!(name in PLACEHOLDERS)) {
          throw new UsageError(
            `--name-pattern: unknown placeholder {${name}}; use {client}, {therapist}, {session} or {date}`,
          );
        }
        const field = name as Placeholder;
        if (fields.includes(field)) throw new UsageError(`--name-pattern: {${field}} appears twice`);
        fields.push(field);
        source += PLACEHOLDERS[field];
      } else if (token === '*') {
        source += '.*?';
      } else if (token === '{' || token === '}') {
        throw new UsageError(`--name-pattern: unmatched "${token}" in "${pattern}"`);
      } else {
        source += token.replace(/[.+?^$()[\]\\|]/g, '\\$&');
      }
    }
    if (fields.length === 0)
      throw new UsageError('--name-pattern needs at least one of {client}, {therapist}, {session}, {date}');
    return new NamePattern(pattern, new RegExp(`^${source}$`), fields);
  }

  /** The metadata in a file's base name, or undefined when the name does not fit the pattern. */
  match(path: string): SessionMeta | undefined {
    const m = this.regex.exec(basename(path));
    if (!m) return undefined;
    const meta: SessionMeta = {};
    this.fields.forEach((field, i) => {
      const value = m[i + 1]!;
      if (field === 'session') meta.session = Number(value);
      else meta[field] = value;
    });
    return meta;
  }
}
