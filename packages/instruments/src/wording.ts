import { z } from 'zod';
import { FormId, type InstrumentDefinition } from './definition-schema';
import { InstrumentFileError } from './errors';
import { formView, type FormView } from './form-view';

/**
 * Licensed item wording a study holds, kept outside the repository's definitions. Checked against the definition
 * so that a wording file for another version of the instrument cannot silently attach to the wrong items.
 */
export const Wording = z.object({
  instrument: z.string().min(1),
  /** Who granted the wording and under what terms, e.g. "WAI-SR, permission from R. Hatcher, 2026-03". */
  licence: z.string().min(1),
  language: z.string().min(1).default('en'),
  forms: z.partialRecord(
    FormId,
    z.object({
      instructions: z.string().min(1).optional(),
      items: z.record(z.string(), z.string().min(1)),
    }),
  ),
});
export type Wording = z.infer<typeof Wording>;

/** Problems with a wording file given its definition: same instrument, forms it has, and per form exactly its item ids. */
export function wordingProblems(def: InstrumentDefinition, wording: Wording): string[] {
  const problems: string[] = [];
  if (wording.instrument !== def.id) problems.push(`instrument: "${wording.instrument}" is not "${def.id}"`);
  const forms = Object.keys(wording.forms);
  if (forms.length === 0) problems.push('forms: gives no form');
  for (const f of forms) {
    const form = def.forms.find((x) => x.id === f);
    if (!form) {
      problems.push(
        `forms.${f}: ${def.id} has no form "${f}" (its forms are ${def.forms.map((x) => x.id).join(', ')})`,
      );
      continue;
    }
    const want = formView(def, f).items.map((it) => it.id);
    const got = Object.keys(wording.forms[f as FormId]!.items);
    const extra = got.filter((id) => !want.includes(id));
    const missing = want.filter((id) => !got.includes(id));
    if (got.length !== want.length || extra.length || missing.length) {
      problems.push(
        `forms.${f}.items: ${def.id} ${f} has ${want.length} items (${want.join(', ')}), the file has ${got.length}` +
          (missing.length ? `; missing ${missing.join(', ')}` : '') +
          (extra.length ? `; not in the definition: ${extra.join(', ')}` : ''),
      );
    }
  }
  return problems;
}

/** Throws an error naming the file and every mismatch. */
export function checkWording(def: InstrumentDefinition, wording: Wording, file: string): Wording {
  const problems = wordingProblems(def, wording);
  if (problems.length) throw new InstrumentFileError(file, problems);
  return wording;
}

export interface ItemLabel {
  text: string;
  /** "wording" is the installed licensed text; "paraphrase" is our content descriptor and must be shown as such. */
  kind: 'wording' | 'paraphrase';
}

/** What to show for an item wherever items are shown: the installed wording, else the marked paraphrase. */
export function itemLabel(view: FormView, itemId: string, wording?: Wording): ItemLabel {
  const text = wording?.forms[view.form.id]?.items[itemId];
  if (text !== undefined) return { text, kind: 'wording' };
  const item = view.items.find((it) => it.id === itemId);
  if (!item) throw new RangeError(`${view.definition.id} ${view.form.id} has no item "${itemId}"`);
  return { text: item.descriptor, kind: 'paraphrase' };
}

/** The label as plain text, with paraphrases marked so they are never mistaken for the instrument's wording. */
export function itemLabelText(label: ItemLabel): string {
  return label.kind === 'wording' ? label.text : `[paraphrase] ${label.text}`;
}
