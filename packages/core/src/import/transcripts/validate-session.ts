import { SessionTranscript } from '../../schemas/transcript';
import { InputError, formatPath, type InputLocation } from '../../util/errors';

/** Maps a schema path (utterances[3].start) to where it sits in the file. */
export type Locator = (path: ReadonlyArray<PropertyKey>) => InputLocation;

/**
 * Validates a transcript against the canonical schema. The first problem becomes an InputError at the place the
 * locator finds for it; zod's messages say what was expected and never echo the offending value, so no
 * transcript text reaches the message.
 */
export function validateSession(raw: unknown, locate: Locator): SessionTranscript {
  const parsed = SessionTranscript.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = formatPath(issue.path);
  throw new InputError(`${path ? `${path}: ` : ''}${issue.message}`, locate(issue.path));
}

/** A locator for formats built line by line: utterance i came from lines[i]; metadata came from options or the first line. */
export function lineLocator(
  file: string,
  firstLine: number,
  lines: readonly number[],
  metaColumn?: (field: string) => InputLocation['column'],
): Locator {
  return (path) => {
    if (path[0] === 'utterances' && typeof path[1] === 'number') return { file, line: lines[path[1]] ?? firstLine };
    const column = metaColumn && typeof path[0] === 'string' ? metaColumn(path[0]) : undefined;
    return column === undefined ? { file, line: firstLine } : { file, line: firstLine, column };
  };
}
