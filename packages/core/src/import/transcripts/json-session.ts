import { SessionTranscript } from '../../schemas/transcript';
import { InputError, formatPath } from '../../util/errors';
import { findJsonPath, findJsonProblem, lineColumnAt } from './json-locate';
import type { ParsedSession, SessionMeta } from './types';

const META_FIELDS = ['client', 'therapist', 'session', 'date'] as const;

/**
 * One canonical transcript from JSON text (a whole .json file, or one JSONL line starting on `firstLine`).
 * Values given on the command line fill absent fields and must agree with present ones. Errors carry line and
 * column computed from the text, never a quote of it.
 */
export function sessionFromJson(text: string, firstLine: number, file: string, meta: SessionMeta): ParsedSession {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    const problem = findJsonProblem(text) ?? { offset: 0, expected: 'valid JSON' };
    throw new InputError(`not valid JSON: expected ${problem.expected}`, {
      file,
      ...lineColumnAt(text, problem.offset, firstLine),
    });
  }
  const at = (path: readonly PropertyKey[]) => ({ file, ...lineColumnAt(text, findJsonPath(text, path), firstLine) });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError('expected a JSON object with client, therapist, session and utterances', at([]));
  }
  // JSON can only spell U+0000 as the escape "\u0000" (a raw control character does not parse), so text without it
  // needs no walk; the walk, with a path per value, cost an eighth of a JSONL import's parsing.
  const nul = text.includes('\\u0000') ? findNul(raw, []) : undefined;
  if (nul) throw new InputError('a NUL character (\\u0000) is not text; remove it', at(nul));
  const obj = raw as Record<string, unknown>;
  for (const f of META_FIELDS) {
    const given = meta[f];
    if (given === undefined) continue;
    if (obj[f] === undefined) obj[f] = given;
    else if (obj[f] !== given) {
      throw new InputError(
        `${f}: the file says ${JSON.stringify(obj[f])} but ${given} was given (by --${f} or the file name)`,
        at([f]),
      );
    }
  }
  const parsed = SessionTranscript.safeParse(obj);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = formatPath(issue.path);
    throw new InputError(`${path ? `${path}: ` : ''}${issue.message}`, at(issue.path));
  }
  return { transcript: parsed.data, line: firstLine };
}

/** The path of the first string (or key) holding U+0000, which SQLite would cut short. */
function findNul(v: unknown, path: PropertyKey[]): PropertyKey[] | undefined {
  if (typeof v === 'string') return v.includes('\u0000') ? path : undefined;
  if (v === null || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const hit = findNul(v[i], [...path, i]);
      if (hit) return hit;
    }
    return undefined;
  }
  for (const [k, x] of Object.entries(v)) {
    if (k.includes('\u0000')) return path;
    const hit = findNul(x, [...path, k]);
    if (hit) return hit;
  }
  return undefined;
}
