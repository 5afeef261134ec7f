import type { z } from 'zod';
import { formatPath } from './errors';
import { didYouMean } from './suggest';

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
};
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The object schemas a value at `path` may be checked against (several under a union). */
function objectsAt(schema: z.ZodType, path: readonly PropertyKey[]): Def[] {
  const d = defOf(schema);
  if (d.innerType) return objectsAt(d.innerType, path);
  if (d.type === 'pipe' && d.in) return objectsAt(d.in, path);
  if (d.options) return d.options.flatMap((o) => objectsAt(o, path));
  if (path.length === 0) return d.type === 'object' ? [d] : [];
  const [head, ...rest] = path;
  if (d.type === 'object') {
    const next = d.shape?.[String(head)];
    return next ? objectsAt(next, rest) : [];
  }
  if (d.type === 'record' && d.valueType) return objectsAt(d.valueType, rest);
  if (d.type === 'array' && d.element) return objectsAt(d.element, rest);
  return [];
}

/** The keys an object at `path` of the schema accepts. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  return [...new Set(objectsAt(schema, path).flatMap((d) => Object.keys(d.shape ?? {})))];
}

/**
 * One zod issue in the user's terms: the field's path, and for a key the schema does not know, the nearest key
 * it does ("remoteProvider" → did you mean "remoteProviders"), since a silently dropped typo can change what a
 * study does.
 */
export function describeIssue(schema: z.ZodType, issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const valid = keysAt(schema, issue.path);
    const key = issue.keys[0]!;
    const more =
      issue.keys.length > 1
        ? ` (and ${issue.keys
            .slice(1)
            .map((k) => `"${k}"`)
            .join(', ')})`
        : '';
    const known = valid.length ? ` (known keys: ${valid.join(', ')})` : '';
    const hint = didYouMean(key, valid);
    return `${where ? `${where}: ` : ''}unknown key "${key}"${more}${hint || known}`;
  }
  return `${where || '(top level)'}: ${issue.message}`;
}
