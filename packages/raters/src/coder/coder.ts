import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, sha256 } from '@alliance-lab/core';
import { z } from 'zod';
import type { RatableUtterance } from '../rater';
import { extract, FeatureSink, featureHash, type PreparedList, PreparedWindow, unpunctuated } from './features';
import { DEFAULT_GUARDS_FILE, type ReflectionGuards, readGuardsFile } from './guards';

/** The shipped weights, trained on AnnoMI by scripts/train-coder.ts. */
export const DEFAULT_WEIGHTS_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'coder', 'weights.json');

export const THERAPIST_CODES = ['reflection', 'question', 'input', 'other'] as const;
export const CLIENT_CODES = ['change', 'sustain', 'neutral'] as const;
export const SUBCODES = {
  reflection: ['simple', 'complex'],
  question: ['open', 'closed'],
  input: ['information', 'advice', 'negotiation', 'options'],
} as const;

const Head = z
  .object({
    classes: z.array(z.string().min(1)).min(2),
    /** Feature string to one weight per class (checked below, beside the class count). */
    weights: z.custom<Record<string, number[]>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
      error: 'expected an object of feature to weights',
    }),
  })
  // Every row in one loop, where a bad one is named, rather than z.record(z.string(), z.array(z.number())): the
  // shipped file holds 52,000 rows, and the general schema took a quarter of a second to read them.
  .superRefine((head, ctx) => {
    const k = head.classes.length;
    for (const [feature, w] of Object.entries(head.weights as Record<string, unknown>)) {
      const message =
        !Array.isArray(w) || !w.every((x) => typeof x === 'number' && Number.isFinite(x))
          ? 'expected an array of finite numbers'
          : w.length !== k
            ? `${w.length} weights for ${k} classes`
            : null;
      if (message) {
        ctx.addIssue({ code: 'custom', path: ['weights', feature], message });
        return;
      }
    }
  });

const Heads = z.object({ therapist: Head, client: Head, reflection: Head, question: Head, input: Head });

export const WeightsFile = z
  .object({
    version: z.string().min(1),
    description: z.string().min(1),
    source: z.object({ data: z.string().min(1), citation: z.string().min(1), licence: z.string().min(1) }),
    evaluation: z.record(z.string(), z.unknown()).default({}),
    heads: Heads,
    /**
     * Heads fitted on the training transcripts with their punctuation removed, for utterances that carry none
     * (chat, speech recognition without punctuation): the main heads lean on "?" and sentence marks.
     */
    unpunctuated: Heads.optional(),
  })
  .superRefine((f, ctx) => {
    const expect = { therapist: THERAPIST_CODES, client: CLIENT_CODES, ...SUBCODES };
    for (const set of ['heads', 'unpunctuated'] as const) {
      const heads = f[set];
      if (!heads) continue;
      for (const [name, classes] of Object.entries(expect)) {
        const got = heads[name as keyof typeof heads].classes;
        if (got.join() !== classes.join())
          ctx.addIssue({ code: 'custom', path: [set, name, 'classes'], message: `expected ${classes.join(', ')}` });
      }
    }
  });
export type WeightsFile = z.infer<typeof WeightsFile>;

/** One utterance's code. Utterances of neither speaker ("other" role) have none. */
export const UtteranceCode = z.object({
  utteranceId: z.string(),
  role: z.enum(['therapist', 'client']),
  code: z.enum([...THERAPIST_CODES, ...CLIENT_CODES]),
  subcode: z.string().nullable(),
  /** The coder's probability for the code (not the subcode). */
  probability: z.number().min(0).max(1),
});
export type UtteranceCode = z.infer<typeof UtteranceCode>;

type HeadName = keyof WeightsFile['heads'];
const HEADS: readonly HeadName[] = ['therapist', 'client', 'reflection', 'question', 'input'];

/**
 * The compiled coder: every feature of every head in one open-addressing table of 32-bit hashes (each slot a key
 * and a row beside it, so a probe reads one cache line), and one weight matrix whose row holds every head's
 * weights for a feature (15 numbers, padded to 16: one cache line). Coding an utterance is one pass over its
 * features, one table probe per feature and one row read per known feature, for the code and the subcode alike.
 */
export class UtteranceCoder {
  readonly version: string;
  readonly hash: string;
  private readonly mask: number;
  /** Slot s holds the feature hash at 2s and its row at 2s + 1 (-1: empty). */
  private readonly slots: Int32Array;
  private readonly w: Float32Array;
  private readonly stride: number;
  private readonly heads: Record<HeadName, { k: number; offset: number; classes: readonly string[] }>;
  private readonly sink = new FeatureSink();
  /** Whether the file has heads for unpunctuated utterances. */
  private readonly unpunctuated: boolean;
  private found = new Int32Array(512);

  /**
   * `guards`, when given, recode a coded reflection that puts advice, information, an affirmation or a disclosure
   * as such (guards.json); loadCoder passes the shipped ones, a coder built from weights alone has none.
   */
  constructor(
    file: WeightsFile,
    hash: string,
    private readonly guards: ReflectionGuards | null = null,
  ) {
    this.version = file.version;
    this.hash = hash;
    // The unpunctuated heads' features live in the same table under salted hashes, so either set costs one
    // probe per feature; their rows hold their own weights in the same columns as the main heads'.
    const sets = [{ heads: file.heads, salt: 0 }];
    if (file.unpunctuated) sets.push({ heads: file.unpunctuated, salt: UNPUNCTUATED_SALT });
    this.unpunctuated = file.unpunctuated !== undefined;
    const features = new Map<number, number>();
    for (const { heads, salt } of sets)
      for (const h of HEADS)
        for (const f of Object.keys(heads[h].weights)) {
          const x = featureHash(f) ^ salt;
          if (!features.has(x)) features.set(x, features.size);
        }
    let size = 1024;
    while (size < features.size * 2) size *= 2;
    this.mask = size - 1;
    this.slots = new Int32Array(2 * size);
    for (let s = 0; s < size; s++) this.slots[2 * s + 1] = -1;
    for (const [x, row] of features) {
      let slot = mix(x) & this.mask;
      while (this.slots[2 * slot + 1] !== -1) slot = (slot + 1) & this.mask;
      this.slots[2 * slot] = x;
      this.slots[2 * slot + 1] = row;
    }
    const heads = {} as UtteranceCoder['heads'];
    let offset = 0;
    for (const h of HEADS) {
      heads[h] = { k: file.heads[h].classes.length, offset, classes: file.heads[h].classes };
      offset += heads[h].k;
    }
    this.stride = (offset + 3) & ~3;
    this.w = new Float32Array(features.size * this.stride);
    for (const { heads: set, salt } of sets)
      for (const h of HEADS) {
        const { k, offset: o } = heads[h];
        // Two feature strings with one hash (vanishingly rare) share a row: their weights add.
        for (const [f, ws] of Object.entries(set[h].weights)) {
          const base = features.get(featureHash(f) ^ salt)! * this.stride + o;
          for (let c = 0; c < k; c++) this.w[base + c]! += ws[c]!;
        }
      }
    this.heads = heads;
  }

  /** Codes every utterance of a transcript, in order: each utterance's context includes the code before it. */
  /** The version of the guards it runs, or null for none. */
  get guardsVersion(): string | null {
    return this.guards?.version ?? null;
  }

  code(utterances: readonly RatableUtterance[]): Array<UtteranceCode | null> {
    return this.codePrepared(utterances, new PreparedWindow(utterances));
  }

  /**
   * Codes the utterances from their prepared form. `coded`, when given, is called with each position in order as
   * soon as its code is known (for every utterance, coded or not), so a caller can use the utterance while the
   * window still holds it.
   */
  codePrepared(
    utterances: readonly RatableUtterance[],
    prepared: PreparedList,
    coded?: (i: number, codes: ReadonlyArray<UtteranceCode | null>) => void,
  ): Array<UtteranceCode | null> {
    const out: Array<UtteranceCode | null> = new Array(utterances.length).fill(null);
    let lastTherapist: string | null = null;
    let lastClient: string | null = null;
    const z = this.z;
    for (let i = 0; i < utterances.length; i++) {
      const role = utterances[i]!.role;
      if (role === 'other') {
        coded?.(i, out);
        continue;
      }
      extract(this.sink, prepared, i, role === 'therapist' ? lastTherapist : lastClient);
      const n = this.lookup(this.unpunctuated && unpunctuated(prepared.at(i)!) ? UNPUNCTUATED_SALT : 0);
      const main = this.heads[role];
      let c = this.classify(main, n, z);
      let code = main.classes[c]!;
      if (code === 'reflection' && this.guards) {
        const recoded = this.guards.recode(prepared.at(i)!);
        if (recoded) {
          code = recoded;
          c = main.classes.indexOf(recoded);
        }
      }
      // A recoded utterance keeps the model's probability of the code it now has, low as that may be.
      const p = z[c]!;
      let subcode: string | null = null;
      if (code === 'reflection' || code === 'question' || code === 'input') {
        const sub = this.heads[code];
        subcode = sub.classes[this.classify(sub, n, z)]!;
      }
      if (role === 'therapist') lastTherapist = code;
      else lastClient = code;
      out[i] = {
        utteranceId: utterances[i]!.id,
        role,
        code: code as UtteranceCode['code'],
        subcode,
        probability: Math.round(p * 1000) / 1000,
      };
      coded?.(i, out);
    }
    return out;
  }

  private readonly z = new Float64Array(16);

  /** Rows of the sink's features that the model knows; returns how many. */
  private lookup(salt: number): number {
    const { hashes, count } = this.sink;
    if (this.found.length < count) this.found = new Int32Array(count * 2);
    const { slots, mask, found } = this;
    let n = 0;
    for (let i = 0; i < count; i++) {
      const x = hashes[i]! ^ salt;
      let slot = mix(x) & mask;
      for (;;) {
        const row = slots[2 * slot + 1]!;
        if (row === -1) break;
        if (slots[2 * slot] === x) {
          found[n++] = row;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    return n;
  }

  /** The most probable class of a head over the found rows; z holds the class probabilities after. */
  private classify(head: { k: number; offset: number }, n: number, z: Float64Array): number {
    const { k, offset } = head;
    const { w, stride, found } = this;
    for (let c = 0; c < k; c++) z[c] = 0;
    for (let i = 0; i < n; i++) {
      const base = found[i]! * stride + offset;
      for (let c = 0; c < k; c++) z[c]! += w[base + c]!;
    }
    let best = 0;
    for (let c = 1; c < k; c++) if (z[c]! > z[best]!) best = c;
    const top = z[best]!;
    let sum = 0;
    for (let c = 0; c < k; c++) sum += z[c] = Math.exp(z[c]! - top);
    for (let c = 0; c < k; c++) z[c]! /= sum;
    return best;
  }
}

/** Mixed into the unpunctuated heads' feature hashes (any odd constant unlike the kind seeds would do). */
const UNPUNCTUATED_SALT = 0x5bd1e995 | 0;

/** Spreads the FNV bits so that open addressing probes stay short. */
const mix = (x: number): number => {
  let h = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return h ^ (h >>> 16);
};

const compiled = new Map<string, UtteranceCoder>();
const byPath = new Map<string, UtteranceCoder>();

/**
 * Reads, validates and compiles a weights file; compiled once per file content and shared. A path already loaded
 * in this process is not read again: the lexicon asks for the coder once per transcript.
 */
export function loadCoder(
  file: string = DEFAULT_WEIGHTS_FILE,
  guardsFile: string = DEFAULT_GUARDS_FILE,
): UtteranceCoder {
  const key = `${file}\n${guardsFile}`;
  const known = byPath.get(key);
  if (known) return known;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read the coder weights (${(err as NodeJS.ErrnoException).code ?? 'error'})`, {
      file,
    });
  }
  const guards = readGuardsFile(guardsFile);
  // The guards change codes, so they are part of what a stored code was made with.
  const hash = sha256(`${text}\n${guards.text}`);
  const hit = compiled.get(hash);
  if (hit) {
    byPath.set(key, hit);
    return hit;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InputError(`the coder weights are not valid JSON (${(err as Error).message})`, { file });
  }
  const r = WeightsFile.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new InputError(`${i.path.join('.') || '(top level)'}: ${i.message}`, { file });
  }
  const coder = new UtteranceCoder(r.data, hash, guards.guards);
  compiled.set(hash, coder);
  byPath.set(key, coder);
  return coder;
}
