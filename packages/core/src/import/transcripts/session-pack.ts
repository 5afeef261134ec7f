import { SpeakerRole, type Utterance } from '../../schemas/transcript';
import { contentHash } from './content-hash';
import type { ParsedSession } from './types';

/**
 * A parsed session in the shape that crosses between threads cheaply: structured clone of hundreds of small
 * objects costs more than parsing the JSON again, while a flat string array plus typed arrays costs a third.
 */
export interface PackedSession {
  client: string;
  therapist: string;
  session: number;
  date: string | null;
  line: number;
  hash: string;
  /** id, speaker (or ""), text for each utterance. */
  strings: string[];
  /** Per utterance: role index in bits 0-1; bit 2 speaker present, bit 3 start present, bit 4 end present. */
  codes: Uint8Array;
  /** Per utterance: start, end (0 when absent). */
  times: Float64Array;
}

const ROLES = SpeakerRole.options;
const HAS_SPEAKER = 4;
const HAS_START = 8;
const HAS_END = 16;

export function packSession(p: ParsedSession): PackedSession {
  const t = p.transcript;
  const n = t.utterances.length;
  const strings = new Array<string>(n * 3);
  const codes = new Uint8Array(n);
  const times = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const u = t.utterances[i]!;
    strings[i * 3] = u.id;
    strings[i * 3 + 1] = u.speaker ?? '';
    strings[i * 3 + 2] = u.text;
    let code = ROLES.indexOf(u.role);
    if (u.speaker !== undefined) code |= HAS_SPEAKER;
    if (u.start !== undefined) {
      code |= HAS_START;
      times[i * 2] = u.start;
    }
    if (u.end !== undefined) {
      code |= HAS_END;
      times[i * 2 + 1] = u.end;
    }
    codes[i] = code;
  }
  return {
    client: t.client,
    therapist: t.therapist,
    session: t.session,
    date: t.date ?? null,
    line: p.line,
    hash: p.contentHash ?? contentHash(t.utterances),
    strings,
    codes,
    times,
  };
}

/** The session again. It was validated before packing, so it is not validated twice. */
export function unpackSession(p: PackedSession): ParsedSession {
  const n = p.codes.length;
  const utterances = new Array<Utterance>(n);
  for (let i = 0; i < n; i++) {
    const code = p.codes[i]!;
    const u: Utterance = { id: p.strings[i * 3]!, role: ROLES[code & 3]!, text: p.strings[i * 3 + 2]! };
    if (code & HAS_SPEAKER) u.speaker = p.strings[i * 3 + 1]!;
    if (code & HAS_START) u.start = p.times[i * 2]!;
    if (code & HAS_END) u.end = p.times[i * 2 + 1]!;
    utterances[i] = u;
  }
  const transcript = { client: p.client, therapist: p.therapist, session: p.session, ...(p.date === null ? {} : { date: p.date }), utterances };
  return { transcript, line: p.line, contentHash: p.hash };
}
