import { InputError } from '../../util/errors';
import { readLines, type TextLine } from '../../util/text-input';
import { parseCueTime, quoteIfTimeLike } from './timestamps';

/** Streams the blank-line-separated blocks of a caption file (WebVTT, SRT). */
export async function* readBlocks(path: string, label: string): AsyncGenerator<TextLine[]> {
  let block: TextLine[] = [];
  for await (const l of readLines(path, { label })) {
    if (l.text.trim() === '') {
      if (block.length > 0) yield block;
      block = [];
    } else {
      block.push(l);
    }
  }
  if (block.length > 0) yield block;
}

/**
 * Reads "start --> end [settings]". Errors point at the column of the bad time; the line itself is never
 * quoted, since a line that is not a timing line is usually transcript text.
 */
export function parseTiming(l: TextLine, file: string, separator: '.' | ','): { start: number; end: number } {
  const arrow = l.text.indexOf('-->');
  const left = l.text.slice(0, arrow);
  const right = l.text.slice(arrow + 3);
  const startText = left.trim();
  const startCol = left.length - left.trimStart().length + 1;
  const rightLead = right.length - right.trimStart().length;
  const endText = right.trimStart().split(/\s/)[0] ?? '';
  const endCol = arrow + 3 + rightLead + 1;
  const [t0, t1] = separator === ',' ? ['00:00:01,000', '00:00:04,000'] : ['00:00:01.000', '00:00:04.000'];
  const start = parseCueTime(startText);
  if (start === undefined) {
    throw new InputError(
      `expected a cue start time like ${t0}, found${quoteIfTimeLike(startText) || ' something else'}`,
      {
        file,
        line: l.line,
        column: startCol,
      },
    );
  }
  if (endText === '')
    throw new InputError(`expected an end time after "-->", as in "${t0} --> ${t1}"`, {
      file,
      line: l.line,
      column: endCol,
    });
  const end = parseCueTime(endText);
  if (end === undefined) {
    throw new InputError(`expected a cue end time like ${t1}, found${quoteIfTimeLike(endText) || ' something else'}`, {
      file,
      line: l.line,
      column: endCol,
    });
  }
  if (end < start) throw new InputError('the cue ends before it starts', { file, line: l.line, column: endCol });
  return { start, end };
}
