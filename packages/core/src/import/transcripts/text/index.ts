import { InputError } from '../../../util/errors';
import { readLines } from '../../../util/text-input';
import { singleSession } from '../single-session';
import { splitSpeakerPrefix } from '../speaker-prefix';
import { TurnBuilder } from '../turn-builder';
import type { ParsedSession, ParseInput, TranscriptFormat } from '../types';

const NO_SPEAKER = 'a speaker prefix such as "T:", "C:", "Therapist:", "Client:" or a name mapped with --speakers';

/**
 * Plain-text transcripts: each turn starts with a speaker prefix; lines without one continue the turn above
 * (typed transcripts wrap long turns). Blank lines are ignored. One file is one session.
 */
async function* parse(input: ParseInput): AsyncGenerator<ParsedSession> {
  const turns = new TurnBuilder(input.speakers, false);
  const known = input.speakers.map.labels;
  let any = false;
  for await (const l of readLines(input.path, { label: input.label })) {
    if (l.text.trim() === '') continue;
    any = true;
    const prefix = splitSpeakerPrefix(l.text, known);
    if (prefix) turns.add({ speaker: prefix.speaker, text: prefix.rest, line: l.line, column: 1 }, NO_SPEAKER);
    else turns.add({ text: l.text.trim(), line: l.line, column: 1 }, NO_SPEAKER);
  }
  if (!any)
    throw new InputError(`the file is empty; expected turns starting with ${NO_SPEAKER}`, {
      file: input.label,
      line: 1,
    });
  yield singleSession(input, turns, `the file has no turns; expected lines starting with ${NO_SPEAKER}`);
}

export const textFormat: TranscriptFormat = { name: 'text', extensions: ['.txt', '.text'], parse };
