import { SpeakerRole, type Utterance } from '../../schemas/transcript';
import { sha256 } from '../../util/hash';
import { INDEX_WIDTH, canonicalEncoding } from './content-hash';
import type { ParsedSession } from './types';

/**
 * A parsed session in the shape that crosses between threads cheaply. Structured clone of hundreds of small
 * objects costs more than parsing the JSON again; one string plus typed arrays costs little. The string is the
 * canonical encoding the content hash is taken over, so the parser thread builds it once for both purposes.
 */
export interface PackedSession {
  client: string;
  therapist: string;
  session: number;
  date: string | null;
  line: number;
  hash: string;
  /** canonicalEncoding(utterances). */
  encoding: string;
  /** Where each utterance's id, speaker and text sit in `encoding` (INDEX_WIDTH numbers each). */
  index: Int32Array;
  /** Per utterance: role index in bits 0-1; bit 2 start present, bit 3 end present. */
  codes: Uint8Array;
  /** Per utterance: start, end (0 when absent). */
  times: Float64Array;
}

const ROLES = SpeakerRole.options;
const HAS_START = 4;
const HAS_END = 8;

export function packSession(p: ParsedSession): PackedSession {
  const t = p.transcript;
  const n = t.utterances.length;
  const index = new Int32Array(n * INDEX_WIDTH);
  const encoding = canonicalEncoding(t.utterances, index);
  const codes = new Uint8Array(n);
  const times = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const u = t.utterances[i]!;
    let code = ROLES.indexOf(u.role);
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
    hash: sha256(encoding),
    encoding,
    index,
    codes,
    times,
  };
}

/** The session again. It was validated before packing, so it is not validated twice. */
export function unpackSession(p: PackedSession): ParsedSession {
  const n = p.codes.length;
  const s = p.encoding;
  const x = p.index;
  const utterances = new Array<Utterance>(n);
  for (let i = 0; i < n; i++) {
    const k = i * INDEX_WIDTH;
    const code = p.codes[i]!;
    const u: Utterance = { id: s.slice(x[k]!, x[k + 1]!), role: ROLES[code & 3]!, text: s.slice(x[k + 4]!, x[k + 5]!) };
    if (x[k + 2]! >= 0) u.speaker = s.slice(x[k + 2]!, x[k + 3]!);
    if (code & HAS_START) u.start = p.times[i * 2]!;
    if (code & HAS_END) u.end = p.times[i * 2 + 1]!;
    utterances[i] = u;
  }
  const transcript = {
    client: p.client,
    therapist: p.therapist,
    session: p.session,
    ...(p.date === null ? {} : { date: p.date }),
    utterances,
  };
  return { transcript, line: p.line, contentHash: p.hash };
}
