import { join } from 'node:path';
import { DEFINITIONS_DIR, formView, loadDefinitionFile, type FormId } from '@alliance-lab/instruments';

/** What the simulator needs from a form: item ids in order, which are reverse keyed, and the response scale. */
export interface FormItems {
  instrument: string;
  form: FormId;
  items: Array<{ id: string; reverse: boolean }>;
  min: number;
  max: number;
  decimals: number;
}

/**
 * Reads item ids and keying from the shipped instrument definition through the instruments package's own form
 * view, so simulated responses follow exactly the keys the scoring engine applies and there is no second copy
 * of them to drift.
 */
export function loadFormItems(instrument: string, form: FormId): FormItems {
  const view = formView(loadDefinitionFile(join(DEFINITIONS_DIR, `${instrument}.json`)), form);
  const { min, max, decimals } = view.form.scale;
  return { instrument, form, items: view.items.map((it) => ({ id: it.id, reverse: it.reverse })), min, max, decimals };
}
