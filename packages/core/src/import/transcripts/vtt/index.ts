import { InputError } from '../../../util/errors';
import { parseTiming, readBlocks } from '../caption-blocks';
import { CueOrder } from '../cue-order';
import { cuePieces } from '../cue-text';
import { singleSession } from '../single-session';
import { TurnBuilder } from '../turn-builder';
import type { ParsedSession, ParseInput, TranscriptFormat } from '../types';

const NO_SPEAKER = 'a <v Name> voice tag or a "Name:" prefix on the cue text';

/**
 * WebVTT captions (Zoom, Teams, transcription services): one file is one session. Consecutive cues by the same
 * speaker become one utterance; NOTE, STYLE and REGION blocks are skipped.
 */
async function* parse(input: ParseInput): AsyncGenerator<ParsedSession> {
  const file = input.label;
  const turns = new TurnBuilder(input.speakers, true);
  const known = input.speakers.map.labels;
  const cues = new CueOrder();
  let header = true;
  for await (const block of readBlocks(input.path, file)) {
    if (header) {
      header = false;
      const first = block[0]!;
      if (first.line !== 1 || !/^WEBVTT(?:[ \t]|$)/.test(first.text)) {
        throw new InputError('expected "WEBVTT" on the first line of a WebVTT file', {
          file,
          line: first.line,
          column: 1,
        });
      }
      const cue = block.find((l) => l.text.includes('-->'));
      if (cue)
        throw new InputError('expected a blank line between the WEBVTT header and the first cue', {
          file,
          line: cue.line,
          column: 1,
        });
      continue;
    }
    if (/^(?:NOTE|STYLE|REGION)(?:[ \t]|$)/.test(block[0]!.text)) continue;
    const timingAt = block[0]!.text.includes('-->') ? 0 : block[1]?.text.includes('-->') ? 1 : -1;
    if (timingAt < 0) {
      throw new InputError(
        'expected a cue: an optional identifier line, then a timing line such as "00:00:01.000 --> 00:00:04.000"',
        {
          file,
          line: block[0]!.line,
          column: 1,
        },
      );
    }
    const timing = parseTiming(block[timingAt]!, file, '.');
    cues.add(block[timingAt]!.line, timing.start, cuePieces(block.slice(timingAt + 1), timing, known));
  }
  if (header) throw new InputError('the file is empty; expected "WEBVTT" and caption cues', { file, line: 1 });
  cues.feed(turns, NO_SPEAKER, file, input.warn);
  yield singleSession(input, turns, 'the file has no cues with text; expected caption cues after the WEBVTT header');
}

export const vttFormat: TranscriptFormat = { name: 'vtt', extensions: ['.vtt'], parse };
