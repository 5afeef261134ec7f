import type { InstrumentDefinition, Norm } from './definition-schema';
import { formView } from './form-view';
import { InstrumentLookupError } from './errors';

export interface ReliableChange {
  x1: number;
  x2: number;
  sd: number;
  reliability: number;
  /** Standard error of measurement, SD·√(1−r). */
  se: number;
  /** Standard error of the difference, √2·SE. */
  sdiff: number;
  /** (x2 − x1) / S_diff. */
  rc: number;
  /** |RC| > 1.96 (p < .05, two-sided). */
  reliable: boolean;
  direction: 'improved' | 'deteriorated' | 'no reliable change';
  /** The smallest raw change that would count as reliable, 1.96·S_diff. */
  threshold: number;
  /** Where the SD and reliability came from, so reports can state the values used. */
  sdSource: string;
  reliabilitySource: string;
}

const Z = 1.96;

/**
 * Jacobson & Truax (1991) reliable change index. Higher scores mean a stronger alliance for every instrument here,
 * so a positive RC is an improvement.
 */
export function reliableChange(
  x1: number,
  x2: number,
  params: { sd: number; reliability: number; sdSource?: string; reliabilitySource?: string },
): ReliableChange {
  const { sd, reliability } = params;
  if (!(sd > 0)) throw new RangeError(`the SD must be positive, got ${sd}`);
  if (!(reliability > 0 && reliability < 1))
    throw new RangeError(`the reliability must lie strictly between 0 and 1, got ${reliability}`);
  const se = sd * Math.sqrt(1 - reliability);
  const sdiff = Math.SQRT2 * se;
  const rc = (x2 - x1) / sdiff;
  const reliable = Math.abs(rc) > Z;
  return {
    x1,
    x2,
    sd,
    reliability,
    se,
    sdiff,
    rc,
    reliable,
    direction: !reliable ? 'no reliable change' : rc > 0 ? 'improved' : 'deteriorated',
    threshold: Z * sdiff,
    sdSource: params.sdSource ?? 'supplied by the caller',
    reliabilitySource: params.reliabilitySource ?? 'supplied by the caller',
  };
}

/**
 * Reliable change on one scale of an instrument: the SD and reliability the caller supplies win, the rest come
 * from the definition's norms; a value known from neither is an error saying what to supply.
 */
export function reliableChangeFor(
  def: InstrumentDefinition,
  form: string,
  scale: string,
  x1: number,
  x2: number,
  supplied: { sd?: number; reliability?: number } = {},
): ReliableChange & { norm?: Norm } {
  const view = formView(def, form);
  if (!view.scales.some((s) => s.id === scale)) {
    throw new InstrumentLookupError(
      `${def.id} ${form} has no scale "${scale}"; its scales are ${view.scales.map((s) => s.id).join(', ')}`,
    );
  }
  const norm = def.norms.find((n) => n.form === form && n.scale === scale);
  const describe = (n: Norm) =>
    `${def.id} norm (${n.sample}; ${n.confirmed ? 'confirmed' : 'UNCONFIRMED'}: ${n.source})`;
  const sd = supplied.sd ?? norm?.sd;
  const reliability = supplied.reliability ?? norm?.reliability;
  const missing = [sd === undefined ? 'an SD' : '', reliability === undefined ? 'a reliability' : ''].filter(Boolean);
  if (missing.length)
    throw new InstrumentLookupError(
      `${def.id} ${form} ${scale} has no norm giving ${missing.join(' or ')}; supply ${missing.join(' and ')}`,
    );
  const rc = reliableChange(x1, x2, {
    sd: sd!,
    reliability: reliability!,
    sdSource: supplied.sd !== undefined ? 'supplied by the caller' : describe(norm!),
    reliabilitySource: supplied.reliability !== undefined ? 'supplied by the caller' : describe(norm!),
  });
  return norm ? { ...rc, norm } : rc;
}
