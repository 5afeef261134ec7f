import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, sha256, stableStringify } from '@alliance-lab/core';
import { z } from 'zod';
import { DOMAINS, DomainId, SubSignalId } from '../result-schema';

/** The shipped marker file; a study's rater options may name another (options.markers). */
export const DEFAULT_MARKERS_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'lexicon',
  'markers.json',
);

const Id = z.string().regex(/^[a-z][a-z0-9-]*$/, 'lowercase letters, digits and hyphens');
const Speaker = z.enum(['therapist', 'client']);

export const MarkerDef = z.object({
  id: Id,
  label: z.string().min(1),
  speaker: Speaker,
  description: z.string().min(1),
  /** Word sequences, matched case-insensitively on whole words; "*" is any one word, "feel*" any word starting "feel". */
  phrases: z.array(z.string().min(1)).default([]),
  /**
   * Utterance codes from the utterance coder that fire the marker too: "reflection", "reflection/complex",
   * "question/open", "change" (see packages/raters/coder). A marker needs phrases, codes or both.
   */
  codes: z
    .array(
      z.enum([
        'reflection',
        'reflection/simple',
        'reflection/complex',
        'question',
        'question/open',
        'question/closed',
        'input',
        'input/information',
        'input/advice',
        'input/negotiation',
        'input/options',
        'other',
        'change',
        'sustain',
        'neutral',
      ]),
    )
    .default([]),
  /** Phrases that, anywhere in the same utterance, stop the marker from firing there. */
  unless: z.array(z.string().min(1)).default([]),
  /** Whether the sentence holding the match must be a statement or a question (ends with "?"). */
  mood: z.enum(['statement', 'question', 'any']).default('any'),
  /** The match must start within the utterance's first N words. */
  within: z.number().int().positive().optional(),
  /** The match must open a sentence, after any of the file's fillers ("okay, so you ..."). */
  opening: z.boolean().default(false),
  /** The utterance may have at most N words. */
  maxWords: z.number().int().positive().optional(),
  /** The utterance must have at least N words (a turn that elaborates, not a "yeah"). */
  minWords: z.number().int().positive().optional(),
  /** The utterance must consist of nothing but these phrases (minimal responses). */
  whole: z.boolean().default(false),
  /**
   * The other speaker's utterance just before must be a question (ends with "?"), or one the utterance coder
   * codes a reflection.
   */
  after: z.enum(['question', 'reflection']).optional(),
  /** The 3RS marker subtype this marker stands for, when it is a withdrawal or confrontation marker. */
  ruptureType: z.string().min(1).optional(),
  /** The 3RS resolution strategy this marker stands for, when it is a repair move. */
  repairStrategy: z.string().min(1).optional(),
});
export type MarkerDef = z.infer<typeof MarkerDef>;

export const MeasureDef = z.discriminatedUnion('kind', [
  z.object({ id: Id, kind: z.literal('mean-words'), speaker: Speaker, description: z.string().min(1) }),
  z.object({ id: Id, kind: z.literal('word-share'), speaker: Speaker, description: z.string().min(1) }),
  z.object({
    id: Id,
    kind: z.literal('ratio'),
    speaker: Speaker,
    numerator: z.array(Id).min(1),
    denominator: z.array(Id).min(1),
    description: z.string().min(1),
  }),
  z.object({
    id: Id,
    kind: z.literal('long-turn-share'),
    speaker: Speaker,
    minWords: z.number().int().positive(),
    /**
     * Fewer turns of the speaker than this leave the share undefined: holding the floor is a pattern over several
     * turns, and one long reply to a post (a single exchange of text support) sets no pace.
     */
    minTurns: z.number().int().positive().optional(),
    description: z.string().min(1),
  }),
]);
export type MeasureDef = z.infer<typeof MeasureDef>;

const SignalBase = z.object({
  domain: DomainId,
  subSignal: SubSignalId,
  direction: z.enum(['strength', 'concern']),
  note: z.string().min(1),
});

export const SignalDef = z.union([
  SignalBase.extend({
    markers: z.array(Id).min(1),
    /** The denominator of the rate: that speaker's utterances, or all utterances. */
    per: z.enum(['therapist', 'client', 'all']),
    /** The rate at which strength reaches 1 (strength = min(1, rate / full)). */
    full: z.number().positive(),
  }),
  SignalBase.extend({
    measure: Id,
    /** Strength is 0 at `from` and 1 at `full`, linear between; `full` below `from` reads the measure downwards. */
    from: z.number(),
    full: z.number(),
  }),
]);
export type SignalDef = z.infer<typeof SignalDef>;

const RunDef = z.object({ markers: z.array(Id).min(1), minRun: z.number().int().positive() });

export const MarkerFile = z
  .object({
    version: z.string().min(1),
    description: z.string().min(1),
    /** Discourse fillers skipped when finding where a sentence opens ("okay", "so", "you know"). */
    fillers: z.array(z.string().min(1)).default([]),
    markers: z.array(MarkerDef).min(1),
    measures: z.array(MeasureDef).default([]),
    signals: z.array(SignalDef).min(1),
    ruptures: z.object({
      withdrawal: RunDef,
      confrontation: RunDef,
      repair: z.object({ markers: z.array(Id), window: z.number().int().positive() }),
    }),
    items: z.object({
      /** Points on the 1–7 evidence scale that full evidence moves an item away from 4. */
      gain: z.number().positive().max(3),
      /** Constructs as weights on "domain/sub-signal". */
      constructs: z.record(Id, z.record(z.string(), z.number())),
      /** Scale id (any instrument) to construct. */
      scales: z.record(z.string(), Id).default({}),
      /** Per-instrument scale ids, for scales named alike but meaning different things. */
      instrumentScales: z.record(z.string(), z.record(z.string(), Id)).default({}),
      /** Per-instrument item ids, for forms without scales (SRS, ARM-5). */
      instrumentItems: z.record(z.string(), z.record(z.string(), Id)).default({}),
      fallback: Id,
    }),
  })
  .superRefine((f, ctx) => {
    const markers = new Map(f.markers.map((m) => [m.id, m]));
    const seen = new Set<string>();
    f.markers.forEach((m, i) => {
      if (m.phrases.length === 0 && m.codes.length === 0)
        ctx.addIssue({ code: 'custom', path: ['markers', i, 'phrases'], message: 'a marker needs phrases or codes' });
      if (seen.has(m.id))
        ctx.addIssue({ code: 'custom', path: ['markers', i, 'id'], message: `marker "${m.id}" is defined twice` });
      seen.add(m.id);
    });
    const measures = new Set<string>();
    f.measures.forEach((m, i) => {
      if (measures.has(m.id))
        ctx.addIssue({ code: 'custom', path: ['measures', i, 'id'], message: `measure "${m.id}" is defined twice` });
      measures.add(m.id);
      if (m.kind === 'ratio') {
        for (const key of ['numerator', 'denominator'] as const) {
          m[key].forEach((id, j) => {
            if (!markers.has(id))
              ctx.addIssue({ code: 'custom', path: ['measures', i, key, j], message: `no marker "${id}"` });
          });
        }
      }
    });
    f.signals.forEach((s, i) => {
      if (!(DOMAINS[s.domain] as readonly string[]).includes(s.subSignal)) {
        ctx.addIssue({
          code: 'custom',
          path: ['signals', i, 'subSignal'],
          message: `"${s.subSignal}" is not a sub-signal of ${s.domain} (${DOMAINS[s.domain].join(', ')})`,
        });
      }
      if ('markers' in s) {
        s.markers.forEach((id, j) => {
          if (!markers.has(id))
            ctx.addIssue({ code: 'custom', path: ['signals', i, 'markers', j], message: `no marker "${id}"` });
        });
      } else {
        if (!measures.has(s.measure))
          ctx.addIssue({ code: 'custom', path: ['signals', i, 'measure'], message: `no measure "${s.measure}"` });
        if (s.from === s.full)
          ctx.addIssue({ code: 'custom', path: ['signals', i, 'full'], message: '"full" must differ from "from"' });
      }
    });
    for (const kind of ['withdrawal', 'confrontation'] as const) {
      f.ruptures[kind].markers.forEach((id, j) => {
        const m = markers.get(id);
        if (!m) ctx.addIssue({ code: 'custom', path: ['ruptures', kind, 'markers', j], message: `no marker "${id}"` });
        else if (!m.ruptureType)
          ctx.addIssue({
            code: 'custom',
            path: ['ruptures', kind, 'markers', j],
            message: `marker "${id}" has no ruptureType`,
          });
        else if (m.speaker !== 'client')
          ctx.addIssue({
            code: 'custom',
            path: ['ruptures', kind, 'markers', j],
            message: `marker "${id}" is not a client marker`,
          });
      });
    }
    f.ruptures.repair.markers.forEach((id, j) => {
      const m = markers.get(id);
      if (!m)
        ctx.addIssue({ code: 'custom', path: ['ruptures', 'repair', 'markers', j], message: `no marker "${id}"` });
      else if (!m.repairStrategy)
        ctx.addIssue({
          code: 'custom',
          path: ['ruptures', 'repair', 'markers', j],
          message: `marker "${id}" has no repairStrategy`,
        });
      else if (m.speaker !== 'therapist')
        ctx.addIssue({
          code: 'custom',
          path: ['ruptures', 'repair', 'markers', j],
          message: `marker "${id}" is not a therapist marker`,
        });
    });
    const subSignals = new Set(Object.entries(DOMAINS).flatMap(([d, subs]) => subs.map((s) => `${d}/${s}`)));
    for (const [name, weights] of Object.entries(f.items.constructs)) {
      if (Object.keys(weights).length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['items', 'constructs', name],
          message: 'a construct needs at least one weight',
        });
      for (const key of Object.keys(weights)) {
        if (!subSignals.has(key))
          ctx.addIssue({
            code: 'custom',
            path: ['items', 'constructs', name, key],
            message: `"${key}" is not a domain/sub-signal`,
          });
      }
    }
    const constructs = new Set(Object.keys(f.items.constructs));
    const checkConstruct = (c: string, path: PropertyKey[]) => {
      if (!constructs.has(c))
        ctx.addIssue({
          code: 'custom',
          path,
          message: `no construct "${c}" (constructs: ${[...constructs].join(', ')})`,
        });
    };
    for (const [scale, c] of Object.entries(f.items.scales)) checkConstruct(c, ['items', 'scales', scale]);
    for (const key of ['instrumentScales', 'instrumentItems'] as const) {
      for (const [inst, map] of Object.entries(f.items[key]))
        for (const [id, c] of Object.entries(map)) checkConstruct(c, ['items', key, inst, id]);
    }
    checkConstruct(f.items.fallback, ['items', 'fallback']);
  });
export type MarkerFile = z.infer<typeof MarkerFile>;

export interface LoadedMarkerFile {
  file: string;
  markers: MarkerFile;
  /** sha256 of the file's canonical JSON: it names this marker set in every rating and cache key. */
  hash: string;
}

/** Reads and validates a marker file; every problem is reported with its field path and the file name. */
export function loadMarkerFile(file: string = DEFAULT_MARKERS_FILE): LoadedMarkerFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      code ? `cannot read the marker file (${code})` : `the marker file is not valid JSON (${(err as Error).message})`,
      { file },
    );
  }
  return parseMarkerFile(raw, file);
}

export function parseMarkerFile(raw: unknown, file: string): LoadedMarkerFile {
  const r = MarkerFile.safeParse(raw);
  if (!r.success) {
    const problems = r.error.issues.map(
      (i) =>
        `${
          i.path
            .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
            .join('')
            .replace(/^\./, '') || '(top level)'
        }: ${i.message}`,
    );
    throw new InputError(
      problems.length === 1 ? problems[0]! : `${problems.length} problems:\n  ${problems.join('\n  ')}`,
      { file },
    );
  }
  return { file, markers: r.data, hash: sha256(stableStringify(r.data)) };
}
