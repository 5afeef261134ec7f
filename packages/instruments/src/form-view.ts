import type { Form, FormId, InstrumentDefinition, Keying, Provenance, ScoringMethod } from './definition-schema';
import { InstrumentLookupError } from './errors';

/** One item as a given form asks and keys it. */
export interface FormItem {
  id: string;
  descriptor: string;
  reverse: boolean;
  keying: Keying;
}

/** One scored scale on a given form; the total is one of them, with id "total". */
export interface FormScale {
  id: string;
  label: string;
  items: string[];
  method: ScoringMethod;
  minAnsweredFraction: number;
  provenance: Provenance;
  set?: string;
}

/**
 * A definition seen from one form: per-form items, descriptors, keys and scales resolved, so the engine, the
 * codebook and the UI never repeat the override rules.
 */
export interface FormView {
  definition: InstrumentDefinition;
  form: Form;
  items: FormItem[];
  scales: FormScale[];
  /**
   * What a form shown on a screen must tell its user about the licence (the SRS's free licence covers paper
   * only), or null when the definition sets no such notice. Form presenters show it beside the form.
   */
  digitalUseNotice: string | null;
}

export function formView(def: InstrumentDefinition, formId: string): FormView {
  const form = def.forms.find((f) => f.id === formId);
  if (!form)
    throw new InstrumentLookupError(
      `instrument "${def.id}" has no form "${formId}"; its forms are ${def.forms.map((f) => f.id).join(', ')}`,
    );
  const id = form.id;
  const on = (forms: readonly FormId[] | undefined) => !forms || forms.includes(id);
  const items: FormItem[] = def.items
    .filter((it) => on(it.forms))
    .map((it) => {
      const keying = it.formKeying?.[id] ?? it.keying;
      return { id: it.id, descriptor: it.formDescriptors?.[id] ?? it.descriptor, reverse: keying.reverse, keying };
    });
  const minDefault = def.proration.minAnsweredFraction;
  const scales: FormScale[] = def.scales
    .filter((s) => on(s.forms))
    .map((s) => {
      const o = s.formOverrides?.[id];
      return {
        id: s.id,
        label: s.label,
        items: o?.items ?? s.items,
        method: s.method,
        minAnsweredFraction: s.minAnsweredFraction ?? minDefault,
        provenance: o ? { source: o.source, confirmed: o.confirmed } : { source: s.source, confirmed: s.confirmed },
        ...(s.set ? { set: s.set } : {}),
      };
    });
  if (def.total && on(def.total.forms)) {
    const o = def.total.formOverrides?.[id];
    scales.push({
      id: 'total',
      label: def.total.label,
      items: items.map((it) => it.id),
      method: def.total.method,
      minAnsweredFraction: minDefault,
      provenance: o ?? { source: def.total.source, confirmed: def.total.confirmed },
    });
  }
  return { definition: def, form, items, scales, digitalUseNotice: def.licence.digitalUse ?? null };
}

/** The lowest and highest score a scale can take, after reverse keying (which keeps the item range). */
export function scaleRange(view: FormView, scale: FormScale): { min: number; max: number } {
  const { min, max } = view.form.scale;
  return scale.method === 'sum' ? { min: min * scale.items.length, max: max * scale.items.length } : { min, max };
}
