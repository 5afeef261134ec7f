import type { SpeakerRole, Utterance } from '../../schemas/transcript';
import { InputError } from '../../util/errors';
import { normalizeLabel, type SpeakerResolver } from './speaker-map';

export interface Piece {
  /** The speaker label, or undefined for text that continues the previous turn. */
  speaker?: string;
  text: string;
  line: number;
  column?: number;
  start?: number;
  end?: number;
}

interface Turn {
  speaker: string;
  key: string;
  role: SpeakerRole;
  parts: string[];
  line: number;
  start?: number;
  end?: number;
}

/** Sequential utterance ids for formats that give none: u0001, u0002, ... (stable for the same content). */
export function sequentialId(n: number): string {
  return `u${String(n).padStart(4, '0')}`;
}

/**
 * Turns labelled pieces of text into utterances. Unlabelled text continues the turn before it. With
 * `mergeSameSpeaker` (caption cues), consecutive pieces by one speaker form one turn, timed from the first
 * piece's start to the last one's end: caption tools cut turns into cues of a few seconds each.
 */
export class TurnBuilder {
  private readonly turns: Turn[] = [];

  constructor(
    private readonly speakers: SpeakerResolver,
    private readonly mergeSameSpeaker: boolean,
  ) {}

  add(p: Piece, noSpeakerHint: string): void {
    const current = this.turns[this.turns.length - 1];
    if (p.speaker === undefined) {
      if (!current) {
        if (p.text === '') return;
        throw new InputError(`text with no speaker before any speaker is named; expected ${noSpeakerHint}`, {
          file: this.speakers.file,
          line: p.line,
          column: p.column ?? 1,
        });
      }
      this.extend(current, p);
      return;
    }
    const key = normalizeLabel(p.speaker);
    if (this.mergeSameSpeaker && current && current.key === key) {
      this.extend(current, p);
      return;
    }
    // Unmapped speakers are collected by the resolver and reported together when the file is done.
    const role = this.speakers.resolve(p.speaker, p.line) ?? 'other';
    this.turns.push({
      speaker: p.speaker.trim(),
      key,
      role,
      parts: p.text ? [p.text] : [],
      line: p.line,
      start: p.start,
      end: p.end,
    });
  }

  /** The utterances and the line each came from; errors if a speaker was unmapped or nothing was said. */
  finish(emptyMessage: string): { utterances: Utterance[]; lines: number[] } {
    this.speakers.check();
    const utterances: Utterance[] = [];
    const lines: number[] = [];
    for (const t of this.turns) {
      if (t.parts.length === 0) continue;
      const u: Utterance = {
        id: sequentialId(utterances.length + 1),
        role: t.role,
        speaker: t.speaker,
        text: t.parts.join(' '),
      };
      if (t.start !== undefined) u.start = t.start;
      if (t.end !== undefined) u.end = t.end;
      utterances.push(u);
      lines.push(t.line);
    }
    if (utterances.length === 0) throw new InputError(emptyMessage, { file: this.speakers.file, line: 1 });
    return { utterances, lines };
  }

  private extend(t: Turn, p: Piece): void {
    if (p.text) t.parts.push(p.text);
    if (p.end !== undefined) t.end = p.end;
    if (t.start === undefined && p.start !== undefined) t.start = p.start;
  }
}
