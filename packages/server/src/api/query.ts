import type { Context } from 'hono';
import { z } from 'zod';
import { RequestError } from '../request-error';

/** Instrument and scale ids as the instrument definitions spell them (wai-sr, arm-5, pwc). */
export const DefinitionId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'an id of lower-case letters, digits, "-" or "_"');

/** Rater configuration names and respondent ids (client, therapist, coder pseudonyms). */
export const RaterName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a name of letters, digits, ".", "_" or "-"');

/**
 * Validates a route's query string against a strict schema. Parameters named in `repeatable` may be given more
 * than once or comma-separated (as the CLI's --rater); any other parameter given twice is refused, since silently
 * keeping one of two values would answer a question nobody asked. Unknown parameters are refused too: a typo such
 * as `?instrumnet=wai-sr` would otherwise return every score without a word.
 */
export function parseQuery<S extends z.ZodObject>(
  c: Context,
  schema: S,
  repeatable: readonly string[] = [],
): z.output<S> {
  const raw: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(c.req.queries())) {
    if (repeatable.includes(key)) {
      raw[key] = values
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean);
    } else if (values.length > 1) {
      throw new RequestError(400, `query parameter "${key}" is given ${values.length} times; give it once`);
    } else {
      raw[key] = values[0]!;
    }
  }
  const parsed = schema.strict().safeParse(raw);
  // strict() changes how unknown keys are treated, not what a valid query parses to.
  if (parsed.success) return parsed.data as z.output<S>;
  const known = Object.keys(schema.shape);
  const messages = parsed.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const names = issue.keys.map((k) => `"${k}"`).join(', ');
      return `unknown query parameter${issue.keys.length > 1 ? 's' : ''} ${names}; this route takes ${known.join(', ') || 'none'}`;
    }
    const key = String(issue.path[0] ?? '');
    const given = raw[key];
    const shown = Array.isArray(given) ? given.join(',') : given;
    return `query parameter "${key}"${shown !== undefined ? ` = "${shown}"` : ''}: ${issue.message}`;
  });
  throw new RequestError(400, messages.join('; '));
}
