import { InputError } from '../../../util/errors';
import { parseTiming, readBlocks } from '../caption-blocks';
import { cuePieces } from '../cue-text';
import { singleSession } from '../single-session';
import { TurnBuilder } from '../turn-builder';
import type { ParsedSession, ParseInput, TranscriptFormat } from '../types';

const NO_SPEAKER = 'a "Name:" prefix (or a <v Name> tag) on the subtitle text';

/**
 * SubRip subtitles: numbered cues with "hh:mm:ss,mmm --> hh:mm:ss,mmm" timings. One file is one session;
 * consecutive cues by the same speaker become one utterance.
 */
async function* parse(input: ParseInput): AsyncGenerator<ParsedSession> {
  const file = input.label;
  const turns = new TurnBuilder(input.speakers, true);
  const known = input.speakers.map.labels;
  let cues = 0;
  for await (const block of readBlocks(input.path, file)) {
    const first = block[0]!;
    const numbered = /^\s*\d+\s*$/.test(first.text);
    let timingAt: number;
    if (first.text.includes('-->')) timingAt = 0;
    else if (numbered && block[1]?.text.includes('-->')) timingAt = 1;
    else if (numbered) {
      throw new InputError('expected a timing line such as "00:00:01,000 --> 00:00:04,000" after the cue number', {
        file,
        line: (block[1] ?? first).line,
        column: 1,
      });
    } else {
      throw new InputError('expected a cue number, then a timing line such as "00:00:01,000 --> 00:00:04,000"', {
        file,
        line: first.line,
        column: 1,
      });
    }
    const timing = parseTiming(block[timingAt]!, file, ',');
    cues++;
    for (const piece of cuePieces(block.slice(timingAt + 1), timing, known)) turns.add(piece, NO_SPEAKER);
  }
  if (cues === 0) throw new InputError('the file is empty; expected numbered subtitle cues', { file, line: 1 });
  yield singleSession(input, turns, 'the file has no subtitle text; expected cues with text');
}

export const srtFormat: TranscriptFormat = { name: 'srt', extensions: ['.srt'], parse };
