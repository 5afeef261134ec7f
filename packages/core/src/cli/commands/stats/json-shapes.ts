import type { AlphaResult } from '../../../stats/alpha';
import type { BlandAltmanResult } from '../../../stats/bland-altman';
import { ICC_FORM_NAMES, ICC_FORMS, type IccResult } from '../../../stats/icc';
import type { CohenKappaResult } from '../../../stats/kappa';
import type { LmmResult } from '../../../stats/lmm';
import type { RmcorrResult } from '../../../stats/rmcorr';

/**
 * The objects `alliance stats … --json` prints, one builder per statistic, so anything else that reports the
 * same statistic (`alliance validate`) prints the same shape and a figure can be checked against the command.
 * `file` names where the data came from: the CSV, or the study for figures computed from the store.
 */

export function iccJson(res: IccResult, file: string): Record<string, unknown> {
  const forms = Object.fromEntries(ICC_FORMS.map((k) => [k, res.forms[k]]));
  return {
    ...forms,
    n: res.n,
    raters: res.raters,
    method: res.method,
    missing: res.missing,
    meanSquares: res.meanSquares,
    varianceComponents: res.varianceComponents,
    forms: ICC_FORM_NAMES,
    file,
  };
}

export function alphaJson(res: AlphaResult, file: string): Record<string, unknown> {
  return { ...res, file };
}

export function kappaJson(res: CohenKappaResult, raters: string[], file: string): Record<string, unknown> {
  return { ...res, raters, file };
}

export function blandAltmanJson(res: BlandAltmanResult, excluded: number, file: string): Record<string, unknown> {
  return { ...res, excluded, file };
}

export function rmcorrJson(res: RmcorrResult, excluded: number, file: string): Record<string, unknown> {
  return { ...res, excluded, file };
}

/** Without the predicted random effects, as the command prints it unless --ranef. */
export function lmmJson(res: LmmResult, file: string): Record<string, unknown> {
  const { ranef: _ranef, ...rest } = res;
  return { file, ...rest };
}
