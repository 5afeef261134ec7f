import type { Score, Study } from '@alliance-lab/core';
import { loadRegistry, scoreView } from '@alliance-lab/instruments';
import { deidentifyForStudy } from '../deidentify/deidentify-store';
import { createValidator } from '../validate/validate-output';
import type { RunServices } from './run-services';

/** The real collaborators of a run, bound to one study. */
export function defaultServices(study: Study): RunServices {
  const registry = loadRegistry({ studyDir: study.dir });
  const validate = createValidator(registry);
  return {
    createRater: (rater, env) => rater.create({ study, instruments: registry, env }),
    validate,
    deidentify: (t) => deidentifyForStudy(study, t),
    score(forms, ratingId) {
      const out: Score[] = [];
      for (const f of forms) {
        // The validator has already held every value to the scale (a continuous form to its range only); an error
        // here is a bug, not bad input.
        const scored = scoreView(registry.view(f.instrument, f.form), f.items, { continuous: true });
        if (scored.errors.length)
          throw new Error(`rating ${ratingId}: ${scored.errors.map((e) => e.message).join('; ')}`);
        for (const [scale, s] of Object.entries(scored.scales)) {
          out.push({
            instrument: f.instrument,
            form: f.form,
            scale,
            score: s.score,
            pomp: s.pomp,
            prorated: s.prorated,
            missing: s.missing,
          });
        }
      }
      return out;
    },
    decimals: (instrument, form) => registry.view(instrument, form).form.scale.decimals,
  };
}
