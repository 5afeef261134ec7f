import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, sha256 } from '@alliance-lab/core';
import { z } from 'zod';
import type { RatableUtterance } from '../rater';
import { extract, FeatureSink, featureHash, type Prepared, prepare } from './features';

/** The shipped weights, trained on AnnoMI by scripts/train-coder.ts. */
export const DEFAULT_WEIGHTS_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'coder', 'weights.json');

export const THERAPIST_CODES = ['reflection', 'question', 'input', 'other'] as const;
export const CLIENT_CODES = ['change', 'sustain', 'neutral'] as const;
export const SUBCODES = {
  reflection: ['simple', 'complex'],
  question: ['open', 'closed'],
  input: ['information', 'advice', 'negotiation', 'options'],
} as const;

const Head = z.object({
  classes: z.array(z.string().min(1)).min(2),
  /** Feature string to one weight per class. */
  weights: z.record(z.string(), z.array(z.number())),
});

export const WeightsFile = z
  .object({
    version: z.string().min(1),
    description: z.string().min(1),
    source: z.object({ data: z.string().min(1), citation: z.string().min(1), licence: z.string().min(1) }),
    evaluation: z.record(z.string(), z.unknown()).default({}),
    heads: z.object({ therapist: Head, client: Head, reflection: Head, question: Head, input: Head }),
  })
  .superRefine((f, ctx) => {
    for (const [name, head] of Object.entries(f.heads)) {
      for (const [feature, w] of Object.entries(head.weights)) {
        if (w.length !== head.classes.length) {
          ctx.addIssue({
            code: 'custom',
            path: ['heads', name, 'weights', feature],
            message: `${w.length} weights for ${head.classes.length} classes`,
          });
          return;
        }
      }
    }
    const expect = { therapist: THERAPIST_CODES, client: CLIENT_CODES, ...SUBCODES };
    for (const [name, classes] of Object.entries(expect)) {
      const got = f.heads[name as keyof typeof f.heads].classes;
      if (got.join() !== classes.join())
        ctx.addIssue({
          code: 'custom',
          path: ['heads', name, 'classes'],
          message: `expected ${classes.join(', ')}`,
        });
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
 * The compiled coder: every feature of every head in one open-addressing table of 32-bit hashes, and per head a
 * dense weight matrix with a row per feature. Coding an utterance is one pass over its features and one table
 * probe per feature.
 */
export class UtteranceCoder {
  readonly version: string;
  readonly hash: string;
  private readonly mask: number;
  private readonly keys: Int32Array;
  private readonly rows: Int32Array;
  private readonly weights: Record<HeadName, { k: number; w: Float32Array; classes: readonly string[] }>;
  private readonly sink = new FeatureSink();
  private found = new Int32Array(512);

  constructor(file: WeightsFile, hash: string) {
    this.version = file.version;
    this.hash = hash;
    const features = new Map<number, number>();
    for (const h of HEADS)
      for (const f of Object.keys(file.heads[h].weights)) {
        const x = featureHash(f);
        if (!features.has(x)) features.set(x, features.size);
      }
    let size = 1024;
    while (size < features.size * 2) size *= 2;
    this.mask = size - 1;
    this.keys = new Int32Array(size);
    this.rows = new Int32Array(size).fill(-1);
    for (const [x, row] of features) {
      let slot = mix(x) & this.mask;
      while (this.rows[slot] !== -1) slot = (slot + 1) & this.mask;
      this.keys[slot] = x;
      this.rows[slot] = row;
    }
    const weights = {} as UtteranceCoder['weights'];
    for (const h of HEADS) {
      const head = file.heads[h];
      const k = head.classes.length;
      const w = new Float32Array(features.size * k);
      // Two feature strings with one hash (vanishingly rare) share a row: their weights add.
      for (const [f, ws] of Object.entries(head.weights)) {
        const row = features.get(featureHash(f))!;
        for (let c = 0; c < k; c++) w[row * k + c]! += ws[c]!;
      }
      weights[h] = { k, w, classes: head.classes };
    }
    this.weights = weights;
  }

  /** Codes every utterance of a transcript, in order: each utterance's context includes the code before it. */
  code(utterances: readonly RatableUtterance[]): Array<UtteranceCode | null> {
    const prepared = utterances.map((u) => prepare(u.role, u.text));
    return this.codePrepared(utterances, prepared);
  }

  codePrepared(utterances: readonly RatableUtterance[], prepared: readonly Prepared[]): Array<UtteranceCode | null> {
    const out: Array<UtteranceCode | null> = new Array(utterances.length).fill(null);
    let lastTherapist: string | null = null;
    let lastClient: string | null = null;
    const z = new Float64Array(4);
    for (let i = 0; i < utterances.length; i++) {
      const role = utterances[i]!.role;
      if (role === 'other') continue;
      extract(this.sink, prepared, i, role === 'therapist' ? lastTherapist : lastClient);
      const n = this.lookup();
      const main = role === 'therapist' ? 'therapist' : 'client';
      const [c, p] = this.classify(main, n, z);
      const code = this.weights[main].classes[c]!;
      let subcode: string | null = null;
      if (code === 'reflection' || code === 'question' || code === 'input') {
        const [s] = this.classify(code, n, z);
        subcode = this.weights[code].classes[s]!;
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
    }
    return out;
  }

  /** Rows of the sink's features that the model knows; returns how many. */
  private lookup(): number {
    const { hashes, count } = this.sink;
    if (this.found.length < count) this.found = new Int32Array(count * 2);
    let n = 0;
    for (let i = 0; i < count; i++) {
      const x = hashes[i]!;
      let slot = mix(x) & this.mask;
      for (;;) {
        const row = this.rows[slot]!;
        if (row === -1) break;
        if (this.keys[slot] === x) {
          this.found[n++] = row;
          break;
        }
        slot = (slot + 1) & this.mask;
      }
    }
    return n;
  }

  /** The most probable class of a head over the found rows, and its probability. */
  private classify(head: HeadName, n: number, z: Float64Array): [number, number] {
    const { k, w } = this.weights[head];
    for (let c = 0; c < k; c++) z[c] = 0;
    for (let i = 0; i < n; i++) {
      const base = this.found[i]! * k;
      for (let c = 0; c < k; c++) z[c]! += w[base + c]!;
    }
    let best = 0;
    for (let c = 1; c < k; c++) if (z[c]! > z[best]!) best = c;
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(z[c]! - z[best]!);
    return [best, 1 / sum];
  }
}

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
export function loadCoder(file: string = DEFAULT_WEIGHTS_FILE): UtteranceCoder {
  const known = byPath.get(file);
  if (known) return known;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read the coder weights (${(err as NodeJS.ErrnoException).code ?? 'error'})`, {
      file,
    });
  }
  const hash = sha256(text);
  const hit = compiled.get(hash);
  if (hit) {
    byPath.set(file, hit);
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
  const coder = new UtteranceCoder(r.data, hash);
  compiled.set(hash, coder);
  byPath.set(file, coder);
  return coder;
}
