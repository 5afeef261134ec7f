import { InputError } from '../../../util/errors';
import { parseTiming, readBlocks } from '../caption-blocks';
import { CueOrder } from '../cue-order';
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
  const cues = new CueOrder();
  // Cue numbers say the order the file means. A repeated number (two files pasted together) or one lower than
  // the number before it (cues moved by hand) makes that order doubtful, and neither file order nor time order
  // is safely the right one: refused, naming both places.
  const numberLines = new Map<number, number>();
  let last: { n: number; line: number } | undefined;
  const checkNumber = (n: number, line: number) => {
    const seen = numberLines.get(n);
    if (seen !== undefined)
      throw new InputError(
        `cue number ${n} is used again here (first on line ${seen}); are two subtitle files pasted together? Renumber the cues or split the file`,
        { file, line, column: 1 },
      );
    if (last && n < last.n)
      throw new InputError(
        `cue number ${n} comes after cue ${last.n} (line ${last.line}); SRT cues are numbered in order, so the file's order is in doubt. Put the cues in order (or renumber them) and import again`,
        { file, line, column: 1 },
      );
    numberLines.set(n, line);
    last = { n, line };
  };
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
    if (timingAt === 1) checkNumber(Number(first.text.trim()), first.line);
    const timing = parseTiming(block[timingAt]!, file, ',');
    cues.add(block[timingAt]!.line, timing.start, cuePieces(block.slice(timingAt + 1), timing, known));
  }
  if (cues.size === 0) throw new InputError('the file is empty; expected numbered subtitle cues', { file, line: 1 });
  cues.feed(turns, NO_SPEAKER, file, input.warn);
  yield singleSession(input, turns, 'the file has no subtitle text; expected cues with text');
}

export const srtFormat: TranscriptFormat = { name: 'srt', extensions: ['.srt'], parse };
