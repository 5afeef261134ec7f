import { InputError } from '../../../util/errors';
import { readLines } from '../../../util/text-input';
import { sessionFromJson } from '../json-session';
import type { ParsedSession, ParseInput, TranscriptFormat } from '../types';

/**
 * JSON Lines: one canonical transcript per line. Streams: only the current line is held, so file size is bounded
 * by disk, not memory. Blank lines are skipped.
 */
async function* parse(input: ParseInput): AsyncGenerator<ParsedSession> {
  let sessions = 0;
  for await (const l of readLines(input.path, { label: input.label })) {
    if (l.text.trim() === '') continue;
    sessions++;
    yield sessionFromJson(l.text, l.line, input.label, input.meta);
  }
  if (sessions === 0) {
    throw new InputError(
      'the file is empty; expected one JSON transcript (client, therapist, session, utterances) per line',
      { file: input.label, line: 1 },
    );
  }
}

export const jsonlFormat: TranscriptFormat = { name: 'jsonl', extensions: ['.jsonl', '.ndjson'], parse };
