import { InputError, type InputLocation } from '../../util/errors';
import type { NamePattern } from './name-pattern';
import type { SessionMeta } from './types';

const FIELDS = ['client', 'therapist', 'session', 'date'] as const;
const HOW: Record<(typeof FIELDS)[number], string> = {
  client: '--client or a --name-pattern with {client}',
  therapist: '--therapist or a --name-pattern with {therapist}',
  session: '--session or a --name-pattern with {session}',
  date: '--date or a --name-pattern with {date}',
};

/**
 * The metadata for one file: the command-line values plus what the name pattern reads off the file name. The
 * two must agree where both speak; a file name that does not fit the pattern is an error, not a silent skip.
 */
export function metaForFile(
  options: SessionMeta,
  pattern: NamePattern | undefined,
  file: string,
  label: string,
): SessionMeta {
  const meta: SessionMeta = { ...options };
  if (!pattern) return meta;
  const fromName = pattern.match(file);
  if (!fromName)
    throw new InputError(`the file name does not fit --name-pattern "${pattern.pattern}"`, { file: label });
  for (const f of FIELDS) {
    const v = fromName[f];
    if (v === undefined) continue;
    if (meta[f] !== undefined && meta[f] !== v) {
      throw new InputError(`the file name gives ${f} ${v} but --${f} says ${meta[f]}`, { file: label });
    }
    (meta as Record<string, unknown>)[f] = v;
  }
  return meta;
}

/** For formats without metadata (VTT, SRT, text): client, therapist and session must come from outside. */
export function requireMeta(
  meta: SessionMeta,
  where: InputLocation,
): Required<Pick<SessionMeta, 'client' | 'therapist' | 'session'>> & SessionMeta {
  const missing = (['client', 'therapist', 'session'] as const).filter((f) => meta[f] === undefined);
  if (missing.length > 0) {
    throw new InputError(
      `this format carries no session metadata; give ${missing.map((f) => HOW[f]).join(', ')}`,
      where,
    );
  }
  return meta as Required<Pick<SessionMeta, 'client' | 'therapist' | 'session'>> & SessionMeta;
}

/**
 * A value the file gives must agree with the one given on the command line; an absent one is filled in from it.
 * Returns the value to use.
 */
export function agree<T extends string | number>(
  field: keyof SessionMeta,
  fileValue: T | undefined,
  meta: SessionMeta,
  where: InputLocation,
): T | undefined {
  const given = meta[field] as T | undefined;
  if (fileValue === undefined || fileValue === null || fileValue === '') return given;
  if (given !== undefined && given !== fileValue) {
    throw new InputError(
      `the file says ${field} ${String(fileValue)} but ${String(given)} was given (by --${field} or the file name)`,
      where,
    );
  }
  return fileValue;
}
