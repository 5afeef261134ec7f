import { z } from 'zod';
import { splitOutsideQuotes } from '../util/csv';

/**
 * Builders for command options. A command's options are one zod object: the schema gives the parser its flags,
 * `--help` its lines, and `run` its typed values, so a default or a range is written once. Numbers arrive as
 * text on the command line; their builders check the text and say what was expected, naming the value given.
 */

export interface OptionMeta {
  description: string;
  /** The value's name in help, e.g. DIR. */
  placeholder?: string;
  short?: string;
}

export interface NumberRange {
  min?: number;
  max?: number;
  integer?: boolean;
}

/** A string option; required unless followed by `.optional()` or `.default(…)`. Empty text counts as absent. */
export function text(description: string, placeholder = 'VALUE') {
  return z.string().min(1, 'must not be empty').meta({ description, placeholder });
}

/** A number option, checked against the range; the message says what was expected and what was given. */
export function number(description: string, placeholder = 'N', range: NumberRange = {}) {
  const want = [
    range.integer ? 'an integer' : 'a number',
    range.min !== undefined ? `>= ${range.min}` : '',
    range.max !== undefined ? `<= ${range.max}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return z
    .string()
    .transform((raw, ctx) => {
      const x = Number(raw);
      const bad =
        raw.trim() === '' ||
        !Number.isFinite(x) ||
        (range.integer && !Number.isInteger(x)) ||
        (range.min !== undefined && x < range.min) ||
        (range.max !== undefined && x > range.max);
      if (bad) {
        ctx.issues.push({ code: 'custom', message: `must be ${want}, got "${raw}"`, input: raw });
        return z.NEVER;
      }
      return x;
    })
    .meta({ description, placeholder });
}

export function integer(description: string, placeholder = 'N', range: Omit<NumberRange, 'integer'> = {}) {
  return number(description, placeholder, { ...range, integer: true });
}

/** One of a fixed set of words. */
export function choice<const T extends readonly [string, ...string[]]>(values: T, description: string) {
  return z
    .enum(values, { error: (iss) => `must be one of ${values.join(', ')}, got "${String(iss.input)}"` })
    .meta({ description, placeholder: values.join('|') });
}

/** A switch: present or not. */
export function flag(description: string) {
  return z.boolean().default(false).meta({ description });
}

/** May be given several times; comma-separated values are split too, so `--x a,b --x c` is [a, b, c]. */
export function list(description: string, placeholder = 'A,B') {
  return z
    .array(z.string())
    .default([])
    .transform((xs) =>
      xs
        .flatMap(splitOutsideQuotes)
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .meta({ description, placeholder });
}

/** What the parser and the help need to know about one option, read off its schema. */
export interface OptionInfo {
  name: string;
  type: 'string' | 'boolean';
  multiple: boolean;
  required: boolean;
  default?: unknown;
  description: string;
  placeholder?: string;
  short?: string;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  defaultValue?: unknown;
}

export function optionInfo(name: string, schema: z.ZodType): OptionInfo {
  const layers: Array<Partial<OptionMeta>> = [];
  let required = true;
  let hasDefault = false;
  let defaultValue: unknown;
  let s: z.ZodType = schema;
  for (;;) {
    layers.push((z.globalRegistry.get(s) ?? {}) as Partial<OptionMeta>);
    const def = (s as unknown as { _zod: { def: Def } })._zod.def;
    if (def.type === 'optional' && def.innerType) {
      required = false;
      s = def.innerType;
    } else if (def.type === 'default' && def.innerType) {
      required = false;
      hasDefault = true;
      defaultValue = def.defaultValue;
      s = def.innerType;
    } else if (def.type === 'pipe' && def.in) {
      s = def.in;
    } else {
      const meta = Object.assign({}, ...layers.reverse()) as Partial<OptionMeta>;
      return {
        name,
        type: def.type === 'boolean' ? 'boolean' : 'string',
        multiple: def.type === 'array',
        required,
        ...(hasDefault ? { default: defaultValue } : {}),
        description: meta.description ?? '',
        ...(meta.placeholder !== undefined ? { placeholder: meta.placeholder } : {}),
        ...(meta.short !== undefined ? { short: meta.short } : {}),
      };
    }
  }
}

export function optionInfos(options: z.ZodObject): OptionInfo[] {
  return Object.entries(options.shape).map(([name, s]) => optionInfo(name, s as z.ZodType));
}
