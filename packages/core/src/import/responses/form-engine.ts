import { loadRegistry, parseItemValue, scoreView, type FormView } from '@alliance-lab/instruments';
import type { Form } from '../../schemas/response';
import type { ScaleScore } from '../../schemas/score';
import type { ResponseForm } from '.';

/** The importer's view of one instrument form, backed by the instruments package's engine. */
export function responseForm(view: FormView): ResponseForm {
  return {
    instrument: view.definition.id,
    form: view.form.id as Form,
    respondent: view.form.respondent,
    items: view.items.map((it) => it.id),
    value(item, raw) {
      const r = parseItemValue(view, item, raw);
      return r.ok ? { value: r.value } : { error: r.message };
    },
    score(items) {
      return scaleScores(scoreView(view, items).scales);
    },
  };
}

/** The engine's scales of one scoring (scoreView's `scales`) as the scores a response is stored with. */
export function scaleScores(scales: ReturnType<typeof scoreView>['scales']): ScaleScore[] {
  return Object.entries(scales).map(([scale, s]) => ({
    scale,
    score: s.score,
    pomp: s.pomp,
    prorated: s.prorated,
    missing: s.missing,
  }));
}

/** Looks the form up in the study's registry: the built-in definitions plus the study's own, which win. */
export function loadResponseForm(studyDir: string, instrument: string, form: string): ResponseForm {
  return responseForm(loadRegistry({ studyDir }).view(instrument, form));
}
