import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, parseJsonText } from '@alliance-lab/core';
import { z } from 'zod';
import { emptyHits, type Hits, PhraseMatcher } from '../lexicon/phrase-matcher';
import type { Prepared } from './features';

/** The shipped guards, beside the weights: `packages/raters/coder/guards.json`. */
export const DEFAULT_GUARDS_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'coder', 'guards.json');

/**
 * A phrase pattern: words, `{a|b c|}` for one of several alternatives (each one or more words; an empty one
 * makes the group optional), and a leading `^` for "at the start of a sentence".
 */
const Pattern = z
  .string()
  .min(1)
  .refine((p) => /^\^?[^{}^]*(\{[^{}^]*\}[^{}^]*)*$/.test(p), { error: 'braces must pair up, and ^ may only lead' });

const Guard = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  description: z.string().min(1),
  /** The code a matching reflection becomes. */
  recode: z.enum(['input', 'other']),
  phrases: z.array(Pattern).min(1),
});

export const GuardsFile = z.object({
  version: z.string().min(1),
  description: z.string().min(1),
  /** How a reflection opens ("sounds like", "so you…"): with one of these, a coded reflection stays one. */
  openings: z.array(Pattern),
  /** Tried in order; the first whose phrases match recodes the reflection. */
  guards: z.array(Guard),
});
export type GuardsFile = z.infer<typeof GuardsFile>;

/** Every word sequence a pattern stands for: "you {can|could} {|also} try" is four. */
export function expandPattern(pattern: string): { anchored: boolean; phrases: string[][] } {
  const anchored = pattern.startsWith('^');
  let out: string[][] = [[]];
  for (const part of (anchored ? pattern.slice(1) : pattern).split(/(\{[^}]*\})/)) {
    const options = part.startsWith('{')
      ? part
          .slice(1, -1)
          .split('|')
          .map((o) => o.trim().toLowerCase().split(/\s+/).filter(Boolean))
      : [part.trim().toLowerCase().split(/\s+/).filter(Boolean)];
    out = out.flatMap((head) => options.map((o) => [...head, ...o]));
  }
  return { anchored, phrases: out.filter((p) => p.length > 0) };
}

/**
 * The compiled guards: what turns a coded reflection back into therapist input or other when the utterance puts
 * advice, information, an affirmation or a disclosure as such (see the coder README for why). Every expanded
 * phrase goes into the lexicon's phrase trie under a pattern id that says whose it is (the openings, or a guard)
 * and whether it must start a sentence, so one pass over the words finds what matches.
 */
export class ReflectionGuards {
  /** The file's version, which `alliance code` reports beside the coder's. */
  readonly version: string;
  private readonly matcher = new PhraseMatcher();
  private readonly recodes: ReadonlyArray<'input' | 'other'>;
  private readonly hits: Hits = emptyHits();

  constructor(file: GuardsFile) {
    this.version = file.version;
    this.recodes = file.guards.map((g) => g.recode);
    const add = (patterns: readonly string[], owner: number) => {
      for (const pattern of patterns) {
        const { anchored, phrases } = expandPattern(pattern);
        for (const words of phrases) this.matcher.add(words.join(' '), owner * 2 + (anchored ? 1 : 0));
      }
    };
    add(file.openings, OPENINGS);
    file.guards.forEach((g, i) => add(g.phrases, i + 1));
  }

  /** The code a coded reflection becomes, or null when it stays a reflection. */
  recode(u: Prepared): 'input' | 'other' | null {
    const hits = this.matcher.match(u, this.hits);
    let first = Number.POSITIVE_INFINITY;
    for (let k = 0; k < hits.count; k++) {
      const id = hits.pattern[k]!;
      if (id % 2 === 1 && !startsSentence(u, hits.start[k]!)) continue;
      const owner = id >> 1;
      if (owner === OPENINGS) return null;
      if (owner < first) first = owner;
    }
    return first === Number.POSITIVE_INFINITY ? null : this.recodes[first - 1]!;
  }
}

/** The owner id of the openings' phrases; guard i (from 0) is i + 1. */
const OPENINGS = 0;

/** Whether word position k starts one of the utterance's sentences ((from, to, asks) triples). */
function startsSentence(u: Prepared, k: number): boolean {
  for (let s = 0; s < u.sentences.length; s += 3) if (u.sentences[s] === k) return true;
  return k === 0;
}

/** Reads and validates a guards file; problems name the file and the field. */
export function readGuardsFile(file: string = DEFAULT_GUARDS_FILE): { text: string; guards: ReflectionGuards } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read the coder's guards (${(err as NodeJS.ErrnoException).code ?? 'error'})`, {
      file,
    });
  }
  const raw = parseJsonText(text, file);
  const r = GuardsFile.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new InputError(`${i.path.join('.') || '(top level)'}: ${i.message}`, { file });
  }
  return { text, guards: new ReflectionGuards(r.data) };
}
