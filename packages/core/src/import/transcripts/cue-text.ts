import type { TextLine } from '../../util/text-input';
import { splitSpeakerPrefix } from './speaker-prefix';
import type { Piece } from './turn-builder';

const VOICE = /<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>/g;
const TAG = /<[^>]*>/g;
const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  lrm: '',
  rlm: '',
};

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Cue markup (<i>, <b>, <c.yellow>, <00:01.000>, <font>) removed, entities decoded, spaces collapsed. */
function plain(s: string): string {
  return decodeEntities(s.replace(TAG, '')).replace(/\s+/g, ' ').trim();
}

/**
 * The speaker pieces of one cue's text lines. Speakers come from WebVTT voice tags (<v Dr. Lee>, as Teams and
 * many services write) or a "Name:" prefix (as Zoom and SRT exports write); a line with neither continues the
 * speaker before it.
 */
export function cuePieces(
  lines: readonly TextLine[],
  timing: { start: number; end: number },
  known: readonly string[],
): Piece[] {
  const out: Piece[] = [];
  for (const l of lines) {
    const voices = [...l.text.matchAll(VOICE)];
    if (voices.length > 0) {
      const before = plain(l.text.slice(0, voices[0]!.index));
      if (before) out.push({ text: before, line: l.line, ...timing });
      voices.forEach((v, k) => {
        const from = v.index + v[0].length;
        const to = k + 1 < voices.length ? voices[k + 1]!.index : l.text.length;
        const speaker = plain(v[1] ?? '');
        // <v> with no name continues the previous speaker, like a line with no prefix.
        out.push({
          speaker: speaker || undefined,
          text: plain(l.text.slice(from, to)),
          line: l.line,
          column: v.index + 1,
          ...timing,
        });
      });
      continue;
    }
    const stripped = plain(l.text);
    const prefix = splitSpeakerPrefix(stripped, known);
    if (prefix) out.push({ speaker: prefix.speaker, text: prefix.rest, line: l.line, column: 1, ...timing });
    else out.push({ text: stripped, line: l.line, column: 1, ...timing });
  }
  return out;
}
