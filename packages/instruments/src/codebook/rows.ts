import type { Anchor, InstrumentDefinition } from '../definition-schema';
import { formView, scaleRange } from '../form-view';
import { itemLabel, itemLabelText, type Wording } from '../wording';

/** One instrument form to document; wording is the study's installed licensed text, if any. */
export interface CodebookEntry {
  definition: InstrumentDefinition;
  form: string;
  wording?: Wording;
}

/** One variable of the data dictionary. Renderers turn these into REDCap CSV, Markdown or HTML. */
export interface CodebookRow {
  /** Variable name, e.g. wai_sr_client_1 or wai_sr_client_goal. */
  name: string;
  label: string;
  /** Whether the label is licensed wording, our paraphrase (marked in the label), or a scale label. */
  labelKind: 'wording' | 'paraphrase' | 'scale';
  instrument: string;
  form: string;
  /** REDCap form (instrument) name, e.g. wai_sr_client. */
  formName: string;
  formTitle: string;
  kind: 'item' | 'scale';
  /** The item or scale id inside the instrument. */
  id: string;
  type: 'integer' | 'number';
  min: number;
  max: number;
  decimals: number;
  anchors: Anchor[];
  keying: string;
  scoring: string;
  missing: string;
  /** False when any part of this variable's key is unconfirmed. */
  confirmed: boolean;
  source: string;
}

/** Variable names join instrument, form and item or scale with underscores: wai_o_s_observer_agreement. */
export function variableName(instrument: string, form: string, part: string): string {
  return `${instrument}_${form}_${part}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

const fmt = (x: number) => String(Math.round(x * 1e6) / 1e6);

/** The data dictionary for the given instrument forms: each form's items in order, then its scales. */
export function codebookRows(entries: CodebookEntry[]): CodebookRow[] {
  const rows: CodebookRow[] = [];
  for (const { definition: def, form, wording } of entries) {
    const view = formView(def, form);
    const { min, max, decimals, anchors } = view.form.scale;
    const formName = variableName(def.id, view.form.id, '').replace(/_$/, '');
    const formTitle = `${view.form.name} (${def.id}, ${view.form.id} form)`;
    const missingCodes = def.missingCodes.length ? `; ${def.missingCodes.join(', ')} = not answered` : '';
    const type = decimals === 0 ? 'integer' : 'number';
    for (const it of view.items) {
      const label = itemLabel(view, it.id, wording);
      const inScales = view.scales.filter((s) => s.items.includes(it.id)).map((s) => s.id);
      rows.push({
        name: variableName(def.id, view.form.id, it.id),
        label: itemLabelText(label),
        labelKind: label.kind,
        instrument: def.id,
        form: view.form.id,
        formName,
        formTitle,
        kind: 'item',
        id: it.id,
        type,
        min,
        max,
        decimals,
        anchors,
        keying:
          (it.reverse ? `reversed before scoring (${fmt(max + min)} − x)` : 'not reversed') +
          (it.keying.confirmed ? '' : ' [UNCONFIRMED]'),
        scoring: inScales.length ? `counts toward ${inScales.join(', ')}` : 'not in any scale',
        missing: `blank = not answered${missingCodes}`,
        confirmed: it.keying.confirmed && view.form.scale.confirmed,
        source: it.keying.source,
      });
    }
    for (const s of view.scales) {
      const range = scaleRange(view, s);
      const reversed = s.items.filter((id) => view.items.find((it) => it.id === id)?.reverse);
      const need = Math.ceil(s.minAnsweredFraction * s.items.length - 1e-9);
      rows.push({
        name: variableName(def.id, view.form.id, s.id),
        label: s.label,
        labelKind: 'scale',
        instrument: def.id,
        form: view.form.id,
        formName,
        formTitle,
        kind: 'scale',
        id: s.id,
        type: 'number',
        min: range.min,
        max: range.max,
        decimals: 0,
        anchors: [],
        keying: reversed.length ? `items ${reversed.join(', ')} reversed` : 'no reversed items',
        scoring:
          `${s.method} of items ${s.items.join(', ')}` +
          (need < s.items.length
            ? `; scored when at least ${need} of ${s.items.length} are answered (prorated: ${s.method === 'sum' ? `mean of answered × ${s.items.length}` : 'mean of answered'})`
            : `; all ${s.items.length} items required`) +
          (s.provenance.confirmed ? '' : ' [UNCONFIRMED KEY]'),
        missing:
          need < s.items.length ? `blank when fewer than ${need} items are answered` : 'blank when any item is missing',
        confirmed: s.provenance.confirmed,
        source: s.provenance.source,
      });
    }
  }
  return rows;
}
