import { formatLocation } from '../../util/errors';
import type { Piece, TurnBuilder } from './turn-builder';

interface Cue {
  line: number;
  start: number;
  pieces: Piece[];
}

/**
 * Caption cues in time order. WebVTT requires each cue to start no earlier than the one before it; files that
 * break this are hand-edited or pasted together, and their file order is not the order things were said. Such
 * cues are stored by start time (stable, so cues starting together keep their file order) with a warning
 * naming the first one. Overlapping cues are allowed by the format and are real crosstalk: they are kept.
 */
export class CueOrder {
  private readonly cues: Cue[] = [];
  private lastStart = Number.NEGATIVE_INFINITY;
  private firstEarly: { line: number; before: number } | undefined;
  private early = 0;

  add(line: number, start: number, pieces: Piece[]): void {
    if (start < this.lastStart) {
      this.early++;
      this.firstEarly ??= { line, before: this.cues[this.cues.length - 1]!.line };
    } else this.lastStart = start;
    this.cues.push({ line, start, pieces });
  }

  get size(): number {
    return this.cues.length;
  }

  /** Feeds the pieces to the turn builder in time order; says so through `warn` when that is not file order. */
  feed(turns: TurnBuilder, noSpeaker: string, file: string, warn?: (message: string) => void): void {
    if (this.firstEarly) {
      // Text without a speaker continues the speaker above it in the file; fix that before moving cues around.
      let speaker: string | undefined;
      for (const c of this.cues)
        for (const p of c.pieces) {
          if (p.speaker === undefined && speaker !== undefined) p.speaker = speaker;
          else if (p.speaker !== undefined) speaker = p.speaker;
        }
      this.cues.sort((a, b) => a.start - b.start);
      const n = this.early;
      warn?.(
        `${formatLocation({ file, line: this.firstEarly.line })}${n === 1 ? 'a cue starts' : `${n} cues start`} before the cue above ${n === 1 ? 'it' : 'them'} (first: this one, above it line ${this.firstEarly.before}); the utterances are stored in time order, not file order`,
      );
    }
    for (const c of this.cues) for (const p of c.pieces) turns.add(p, noSpeaker);
  }
}
