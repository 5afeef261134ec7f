import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '@alliance-lab/core';
import { z } from 'zod';
import { tokenHash } from '../lexicon/token-hash';
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
  /** Tried in order; the first whose phrases match recodes the reflection. Each is a bit of a 32-bit mask. */
  guards: z.array(Guard).max(31),
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

/** A word trie: each node the guards whose phrase ends there, as bits, and whether an opening ends there. */
interface Node {
  next: Map<number, Node> | null;
  guards: number;
  opening: boolean;
}

const node = (): Node => ({ next: null, guards: 0, opening: false });

/** Adds a phrase: `bit` for a guard's, 0 for an opening. */
function insert(root: Node, hashes: readonly number[], bit: number): void {
  let n = root;
  for (const h of hashes) {
    n.next ??= new Map();
    let child = n.next.get(h);
    if (!child) n.next.set(h, (child = node()));
    n = child;
  }
  if (bit === 0) n.opening = true;
  else n.guards |= bit;
}

/**
 * The compiled guards: what turns a coded reflection back into therapist input or other when the utterance puts
 * advice, information, an affirmation or a disclosure as such (see the coder README for why). The guards' phrases
 * and the openings share two word tries (one for anywhere, one for a sentence's start), so one pass over the words
 * finds what matches: "you could also try" is one walk, however many patterns begin "you".
 */
export class ReflectionGuards {
  private readonly anywhere = node();
  private readonly atStart = node();
  private readonly recodes: ReadonlyArray<'input' | 'other'>;
  // What the current walk found; fields rather than a returned object, so that recoding allocates nothing.
  private matched = 0;
  private opened = false;

  /** The file's version, which `alliance code` reports beside the coder's. */
  readonly version: string;

  constructor(file: GuardsFile) {
    this.version = file.version;
    this.recodes = file.guards.map((g) => g.recode);
    const add = (patterns: readonly string[], bit: number) => {
      for (const pattern of patterns) {
        const { anchored, phrases } = expandPattern(pattern);
        for (const words of phrases) insert(anchored ? this.atStart : this.anywhere, words.map(tokenHash), bit);
      }
    };
    add(file.openings, 0);
    file.guards.forEach((g, i) => add(g.phrases, 1 << i));
  }

  /** The code a coded reflection becomes, or null when it stays a reflection. */
  recode(u: Prepared): 'input' | 'other' | null {
    const h = u.hashes;
    this.matched = 0;
    this.opened = false;
    for (let k = 0; k < h.length; k++) this.walk(this.anywhere, h, k);
    if (this.atStart.next && h.length > 0) {
      this.walk(this.atStart, h, 0);
      // Sentences are (from, to, asks) triples; the first starts at 0, already read.
      for (let s = 3; s < u.sentences.length; s += 3) this.walk(this.atStart, h, u.sentences[s]!);
    }
    if (this.matched === 0 || this.opened) return null;
    for (let i = 0; i < this.recodes.length; i++) if ((this.matched & (1 << i)) !== 0) return this.recodes[i]!;
    return null;
  }

  private walk(root: Node, h: readonly number[], k: number): void {
    let n: Node | undefined = root;
    for (let j = k; j < h.length && n.next; j++) {
      n = n.next.get(h[j]!);
      if (!n) return;
      this.matched |= n.guards;
      if (n.opening) this.opened = true;
    }
  }
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
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InputError(`the coder's guards are not valid JSON (${(err as Error).message})`, { file });
  }
  const r = GuardsFile.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new InputError(`${i.path.join('.') || '(top level)'}: ${i.message}`, { file });
  }
  return { text, guards: new ReflectionGuards(r.data) };
}
