import { ROLE_LABELS } from './speaker-map';

/**
 * "Name: text" at the start of a line, as caption services and typed transcripts write speakers. A name is up to
 * four words, the first capitalised ("Dr. Lee", "Speaker 2", "SPEAKER_00", "T"), so ordinary sentences with a
 * colon ("so here's the thing: ...") are not taken for speakers. Names given in --speakers match in any form.
 */
const NAME_PREFIX = /^(\p{Lu}[\p{L}\p{M}\d_.'’-]*(?: [\p{Lu}\d][\p{L}\p{M}\d_.'’-]*){0,3}) ?:(?=\s|$)/u;
// The labels that name a role by themselves, in any case, so "patient:" or "seeker:" starts a turn too.
const ROLE_PREFIX = new RegExp(
  `^(${ROLE_LABELS.map((w) => w.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|')}) ?:(?=\\s|$)`,
  'i',
);

export interface SpeakerPrefix {
  speaker: string;
  /** The text after the prefix. */
  rest: string;
  /** 0-based offset where the rest starts. */
  offset: number;
}

export function splitSpeakerPrefix(line: string, known: readonly string[]): SpeakerPrefix | undefined {
  const lead = line.length - line.trimStart().length;
  const s = line.slice(lead);
  let name: string | undefined;
  let end = 0;
  for (const label of known) {
    if (s.length > label.length && s.slice(0, label.length).toLowerCase() === label.toLowerCase()) {
      const m = /^ ?:(?=\s|$)/.exec(s.slice(label.length));
      if (m) {
        name = s.slice(0, label.length);
        end = label.length + m[0].length;
        break;
      }
    }
  }
  if (name === undefined) {
    const m = ROLE_PREFIX.exec(s) ?? NAME_PREFIX.exec(s);
    if (!m) return undefined;
    name = m[1]!;
    end = m[0].length;
  }
  const restStart = end + (s.slice(end).length - s.slice(end).trimStart().length);
  return { speaker: name, rest: s.slice(restStart).trimEnd(), offset: lead + restStart };
}
