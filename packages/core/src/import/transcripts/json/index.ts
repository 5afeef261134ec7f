import { InputError } from '../../../util/errors';
import { readText } from '../../../util/text-input';
import { sessionFromJson } from '../json-session';
import type { ParsedSession, ParseInput, TranscriptFormat } from '../types';

/** One canonical transcript as a JSON object: client, therapist, session, optional date, and utterances. */
async function* parse(input: ParseInput): AsyncGenerator<ParsedSession> {
  // One session fits in memory by nature; the whole text is needed anyway to report positions of schema errors.
  const text = await readText(input.path, { label: input.label });
  if (text.trim() === '') {
    throw new InputError('the file is empty; expected one JSON object with client, therapist, session and utterances', {
      file: input.label,
      line: 1,
    });
  }
  yield sessionFromJson(text, 1, input.label, input.meta);
}

export const jsonFormat: TranscriptFormat = { name: 'json', extensions: ['.json'], parse };
