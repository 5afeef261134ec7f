import type { InstrumentDefinition } from './definition-schema';
import { formView } from './form-view';

export interface UnconfirmedFact {
  form: string | null;
  /** What the fact is about, e.g. "scale bond items", "item 4 keying (reversed)". */
  what: string;
  source: string;
}

/**
 * Every fact in a definition that was not confirmed in a checked source, per form. `instruments show` prints these
 * so nobody mistakes a recalled or placeholder key for a published one.
 */
export function unconfirmedFacts(def: InstrumentDefinition): UnconfirmedFact[] {
  const out: UnconfirmedFact[] = [];
  for (const c of def.citations)
    if (!c.confirmed) out.push({ form: null, what: `citation ${c.key} (bibliographic details)`, source: c.text });
  for (const n of def.norms)
    if (!n.confirmed) out.push({ form: n.form, what: `norm for ${n.scale}`, source: n.source });
  for (const a of def.alerts)
    if (!a.confirmed)
      out.push({ form: a.forms?.join(', ') ?? null, what: `alert rule "${a.kind}" on ${a.scale}`, source: a.source });
  for (const f of def.forms) {
    const view = formView(def, f.id);
    if (!f.confirmed) out.push({ form: f.id, what: 'form', source: f.source });
    if (!f.scale.confirmed) out.push({ form: f.id, what: 'response scale', source: f.scale.source });
    for (const it of view.items) {
      if (!it.keying.confirmed)
        out.push({
          form: f.id,
          what: `item ${it.id} keying (${it.reverse ? 'reversed' : 'not reversed'})`,
          source: it.keying.source,
        });
    }
    for (const s of view.scales)
      if (!s.provenance.confirmed)
        out.push({
          form: f.id,
          what: `scale ${s.id} (items ${s.items.join(', ')}; ${s.method})`,
          source: s.provenance.source,
        });
  }
  return out;
}
