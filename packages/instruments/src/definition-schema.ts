import { z } from 'zod';

/**
 * An instrument definition: everything needed to show, validate and score a questionnaire, as data. Every key
 * (which items form a scale, which are reversed, the response scale, norms) carries where it comes from and
 * whether that source was checked, because several published keys could not be confirmed and a user must be able
 * to see that before trusting a score.
 */

export const FORM_IDS = ['client', 'therapist', 'observer', 'child'] as const;
export const FormId = z.enum(FORM_IDS);
export type FormId = z.infer<typeof FormId>;

/** Ids go into variable names (wai_sr_client_1), file names and CLI arguments. */
const InstrumentId = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'lowercase letters, digits and hyphens, starting with a letter');
const ItemId = z.string().regex(/^[A-Za-z0-9_]+$/, 'letters, digits and underscores');
const ScaleId = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'lowercase letters, digits and underscores, starting with a letter');

/** Where a fact comes from and whether that source was actually checked (not recalled). */
export const Provenance = z.object({
  source: z.string().min(1),
  confirmed: z.boolean(),
});
export type Provenance = z.infer<typeof Provenance>;

export const Anchor = z.object({ value: z.number(), label: z.string().min(1) });
export type Anchor = z.infer<typeof Anchor>;

export const ResponseScale = Provenance.extend({
  min: z.number(),
  max: z.number(),
  /** Digits allowed after the decimal point: 0 for a Likert item, 1 for the SRS's 0.0–10.0 lines. */
  decimals: z.number().int().min(0).max(3).default(0),
  /** Labelled points; a scale may label only some of them (e.g. the ends and the mid-point). */
  anchors: z.array(Anchor).default([]),
}).superRefine((s, ctx) => {
  if (!(s.min < s.max))
    ctx.addIssue({ code: 'custom', path: ['max'], message: `max (${s.max}) must be greater than min (${s.min})` });
  s.anchors.forEach((a, i) => {
    if (a.value < s.min || a.value > s.max)
      ctx.addIssue({
        code: 'custom',
        path: ['anchors', i, 'value'],
        message: `anchor ${a.value} lies outside ${s.min}–${s.max}`,
      });
  });
});
export type ResponseScale = z.infer<typeof ResponseScale>;

export const Form = Provenance.extend({
  id: FormId,
  /** The form's own name where it has one (WAI-SR-T, CSRS, CALPAS-P). */
  name: z.string().min(1),
  /** Who fills it in; matches the respondent kinds of response import. */
  respondent: z.enum(['client', 'therapist', 'coder']),
  scale: ResponseScale,
  note: z.string().optional(),
});
export type Form = z.infer<typeof Form>;

export const Keying = Provenance.extend({ reverse: z.boolean() });
export type Keying = z.infer<typeof Keying>;

export const Item = z.object({
  id: ItemId,
  /** Short content descriptor in our own words. Never the licensed wording or a near-copy of it. */
  descriptor: z.string().min(1),
  /** Descriptors where a form words the item differently (the therapist's or observer's side). */
  formDescriptors: z.partialRecord(FormId, z.string().min(1)).optional(),
  /** Forms that carry this item; all forms when absent. */
  forms: z.array(FormId).min(1).optional(),
  keying: Keying,
  /** Keying that differs on some form, or is known with different certainty there. */
  formKeying: z.partialRecord(FormId, Keying).optional(),
});
export type Item = z.infer<typeof Item>;

export const ScoringMethod = z.enum(['sum', 'mean']);
export type ScoringMethod = z.infer<typeof ScoringMethod>;

export const Scale = Provenance.extend({
  id: ScaleId,
  label: z.string().min(1),
  items: z.array(ItemId).min(1),
  method: ScoringMethod,
  /** Forms the scale is scored on; all forms when absent. */
  forms: z.array(FormId).min(1).optional(),
  /** Per-form key: a different item list, or the same list known with different certainty on that form. */
  formOverrides: z.partialRecord(FormId, Provenance.extend({ items: z.array(ItemId).min(1).optional() })).optional(),
  /** Names a family of scales scored side by side, e.g. the two-factor scoring of the WAI-O-S. */
  set: z.string().optional(),
  /** Overrides the definition's proration threshold for this scale. */
  minAnsweredFraction: z.number().gt(0).max(1).optional(),
});
export type Scale = z.infer<typeof Scale>;

/** The total is scored from every item of the form; it is reported as the scale "total". */
export const Total = Provenance.extend({
  label: z.string().min(1),
  method: ScoringMethod,
  forms: z.array(FormId).min(1).optional(),
  formOverrides: z.partialRecord(FormId, Provenance).optional(),
});
export type Total = z.infer<typeof Total>;

export const Proration = z.object({
  /**
   * A scale is scored when at least this fraction of its items is answered, by the mean of the answered items
   * (times the number of items for a sum scale); below it the scale is missing.
   */
  minAnsweredFraction: z.number().gt(0).max(1).default(0.75),
  source: z.string().min(1).default('alliance-lab convention (no instrument manual sets a rule)'),
});
export type Proration = z.infer<typeof Proration>;

/** Reference values for the Jacobson–Truax reliable change index. Either may be unknown; the caller then supplies it. */
export const Norm = Provenance.extend({
  form: FormId,
  scale: ScaleId,
  sd: z.number().positive().optional(),
  reliability: z.number().gt(0).lt(1).optional(),
  reliabilityKind: z.enum(['alpha', 'test-retest']).optional(),
  sample: z.string().min(1),
});
export type Norm = z.infer<typeof Norm>;

export const AlertRule = z.discriminatedUnion('kind', [
  Provenance.extend({
    kind: z.literal('below'),
    scale: ScaleId,
    cutoff: z.number(),
    inequality: z.enum(['<', '<=']),
    forms: z.array(FormId).min(1).optional(),
  }),
  Provenance.extend({
    kind: z.literal('drop'),
    scale: ScaleId,
    /** A fall of at least this many points from the previous administration. */
    minDrop: z.number().positive(),
    forms: z.array(FormId).min(1).optional(),
  }),
]);
export type AlertRule = z.infer<typeof AlertRule>;

export const Citation = z.object({
  key: z.string().min(1),
  text: z.string().min(1),
  doi: z.string().optional(),
  /** For a source without a DOI: a vendor page, a measure page, a code repository. */
  url: z.string().url().optional(),
  /** How sure the bibliographic details are. */
  confirmed: z.boolean(),
});
export type Citation = z.infer<typeof Citation>;

export const InstrumentDefinitionObject = z.object({
  id: InstrumentId,
  name: z.string().min(1),
  /** Version of this definition file, not of the instrument. */
  version: z.string().min(1),
  /** Published instruments cite their sources; a lab's own measure need not cite anything. */
  citations: z.array(Citation).default([]),
  licence: z.object({
    note: z.string().min(1),
    /** Definitions ship paraphrases only; true only for a study's own instrument whose wording it may ship. */
    wordingIncluded: z.boolean().default(false),
    /**
     * A notice any on-screen presentation of a form must show, where the licence treats digital use apart
     * (the SRS: free on paper only). Form presenters show it; `instruments show` prints it.
     */
    digitalUse: z.string().min(1).optional(),
  }),
  forms: z.array(Form).min(1),
  items: z.array(Item).min(1),
  scales: z.array(Scale).default([]),
  total: Total.optional(),
  proration: Proration.default({
    minAnsweredFraction: 0.75,
    source: 'alliance-lab convention (no instrument manual sets a rule)',
  }),
  /** Values that mean "not answered" besides an empty cell (e.g. -99 from a survey tool). */
  missingCodes: z.array(z.number()).default([]),
  norms: z.array(Norm).default([]),
  alerts: z.array(AlertRule).default([]),
  notes: z.array(z.string()).default([]),
});

/** Cross-references a schema cannot express field by field: ids unique, scales pointing at real items of their forms. */
export const InstrumentDefinition = InstrumentDefinitionObject.superRefine((d, ctx) => {
  const formIds = new Set<string>();
  d.forms.forEach((f, i) => {
    if (formIds.has(f.id))
      ctx.addIssue({ code: 'custom', path: ['forms', i, 'id'], message: `form "${f.id}" is defined twice` });
    formIds.add(f.id);
  });
  const checkForms = (forms: readonly string[] | undefined, path: PropertyKey[]) =>
    forms?.forEach((f, j) => {
      if (!formIds.has(f))
        ctx.addIssue({
          code: 'custom',
          path: [...path, j],
          message: `form "${f}" is not one of this instrument's forms (${[...formIds].join(', ')})`,
        });
    });
  const itemForms = new Map<string, Set<string>>();
  d.items.forEach((it, i) => {
    if (itemForms.has(it.id))
      ctx.addIssue({ code: 'custom', path: ['items', i, 'id'], message: `item "${it.id}" is defined twice` });
    checkForms(it.forms, ['items', i, 'forms']);
    for (const key of ['formDescriptors', 'formKeying'] as const)
      checkForms(Object.keys(it[key] ?? {}), ['items', i, key]);
    itemForms.set(it.id, new Set(it.forms ?? formIds));
  });
  const scaleIds = new Set<string>();
  d.scales.forEach((s, i) => {
    if (s.id === 'total')
      ctx.addIssue({
        code: 'custom',
        path: ['scales', i, 'id'],
        message: 'the id "total" is reserved for the definition\'s total',
      });
    if (scaleIds.has(s.id))
      ctx.addIssue({ code: 'custom', path: ['scales', i, 'id'], message: `scale "${s.id}" is defined twice` });
    scaleIds.add(s.id);
    checkForms(s.forms, ['scales', i, 'forms']);
    checkForms(Object.keys(s.formOverrides ?? {}), ['scales', i, 'formOverrides']);
    const lists: Array<[string[], PropertyKey[], string[]]> = [
      [
        s.items,
        ['scales', i, 'items'],
        (s.forms ?? [...formIds]).filter((f) => !s.formOverrides?.[f as FormId]?.items),
      ],
    ];
    for (const [f, o] of Object.entries(s.formOverrides ?? {}))
      if (o?.items) lists.push([o.items, ['scales', i, 'formOverrides', f, 'items'], [f]]);
    for (const [items, path, forms] of lists) {
      if (new Set(items).size !== items.length) ctx.addIssue({ code: 'custom', path, message: 'lists an item twice' });
      items.forEach((id, j) => {
        const on = itemForms.get(id);
        if (!on) ctx.addIssue({ code: 'custom', path: [...path, j], message: `item "${id}" is not defined in items` });
        else
          for (const f of forms)
            if (!on.has(f))
              ctx.addIssue({ code: 'custom', path: [...path, j], message: `item "${id}" is not on form "${f}"` });
      });
    }
  });
  if (d.total) {
    checkForms(d.total.forms, ['total', 'forms']);
    checkForms(Object.keys(d.total.formOverrides ?? {}), ['total', 'formOverrides']);
  }
  const scored = new Set([...scaleIds, ...(d.total ? ['total'] : [])]);
  d.norms.forEach((n, i) => {
    if (!formIds.has(n.form))
      ctx.addIssue({
        code: 'custom',
        path: ['norms', i, 'form'],
        message: `form "${n.form}" is not one of this instrument's forms`,
      });
    if (!scored.has(n.scale))
      ctx.addIssue({
        code: 'custom',
        path: ['norms', i, 'scale'],
        message: `scale "${n.scale}" is not scored by this instrument`,
      });
  });
  d.alerts.forEach((a, i) => {
    if (!scored.has(a.scale))
      ctx.addIssue({
        code: 'custom',
        path: ['alerts', i, 'scale'],
        message: `scale "${a.scale}" is not scored by this instrument`,
      });
    checkForms(a.forms, ['alerts', i, 'forms']);
  });
  for (const f of formIds) {
    if (![...itemForms.values()].some((on) => on.has(f)))
      ctx.addIssue({ code: 'custom', path: ['forms'], message: `form "${f}" has no items` });
  }
});
export type InstrumentDefinition = z.infer<typeof InstrumentDefinition>;
export type InstrumentDefinitionInput = z.input<typeof InstrumentDefinition>;
