import type { z } from 'zod';

/**
 * Turns a zod issue on a definition or wording file into a message in the file's own terms: the entry a path
 * runs through is named by its id (`scale 'bond', items`, not `scales[2].items`), and zod's wording ("Too small:
 * expected array to have >=1 items") becomes what to change. The user wrote ids, not array positions.
 */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  return `${describePath(issue.path, input)}: ${describeProblem(issue, valueAt(input, issue.path))}`;
}

/** Singular names of the arrays whose entries carry an id. */
const ENTRY_NAMES: Record<string, string> = {
  forms: 'form',
  items: 'item',
  scales: 'scale',
  citations: 'citation',
  norms: 'norm',
  alerts: 'alert',
  anchors: 'anchor',
};

export function describePath(path: ReadonlyArray<PropertyKey>, input: unknown): string {
  const parts: string[] = [];
  let rest: string[] = [];
  let node: unknown = input;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const next = path[i + 1];
    const child = isRecord(node) ? node[String(key)] : undefined;
    const entryName = typeof key === 'string' ? ENTRY_NAMES[key] : undefined;
    // An entry of a list of ids (a scale's items) is a value, not an entry to name: keep it as a position.
    if (entryName && typeof next === 'number' && Array.isArray(child) && isRecord(child[next])) {
      const entry = child[next] as Record<string, unknown>;
      const label = typeof entry.id === 'string' ? entry.id : typeof entry.key === 'string' ? entry.key : undefined;
      if (rest.length) parts.push(rest.join('.'));
      rest = [];
      parts.push(label ? `${entryName} '${label}'` : `${entryName} ${next + 1}`);
      node = entry;
      i++;
      continue;
    }
    if (typeof key === 'number') rest.push(`${rest.pop() ?? ''}[${key}]`);
    else rest.push(String(key));
    node = child;
  }
  if (rest.length) parts.push(rest.join('.'));
  return parts.join(', ') || '(top level)';
}

/** zod leaves the offending value out of its issues unless asked; the file has it. */
function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node = input;
  for (const key of path) node = isRecord(node) ? node[String(key)] : undefined;
  return node;
}

function describeProblem(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined
        ? `is required (${article(issue.expected)})`
        : `must be ${article(issue.expected)}, not ${kindOf(value)}`;
    case 'too_small':
      if (issue.origin === 'array')
        return `needs at least ${issue.minimum} entr${Number(issue.minimum) === 1 ? 'y' : 'ies'}`;
      if (issue.origin === 'string') return Number(issue.minimum) === 1 ? 'must not be empty' : issue.message;
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `may have at most ${issue.maximum} entries`;
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return 'does not match any of the allowed shapes (check its "kind")';
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_format':
      return issue.message.startsWith('Invalid') ? `is not valid (${issue.format})` : issue.message;
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  const noun = expected === 'array' ? 'list' : expected === 'object' ? 'object ({ … })' : expected;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
