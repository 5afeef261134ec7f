import type { Reasons } from '../reasons';
import { withReasons } from '../reasons';

/** One response: a subject at a time, one value per item (`null` missing). */
export interface MultilevelRow {
  subject: string;
  time: string;
  values: ReadonlyArray<number | null>;
}

export interface MultilevelReliability {
  subjects: number;
  times: number;
  items: number;
  /** Rows left out for a missing item, and subjects left out for lacking one of the times. */
  droppedRows: number;
  droppedSubjects: number;
  /** The seven variance components of the crossed subject × time × item ANOVA (psych's `components`). */
  components: {
    subject: number;
    time: number;
    items: number;
    subjectTime: number;
    subjectItems: number;
    timeItems: number;
    residual: number;
  };
  /** Between-person reliability of the average over the k items and the fixed times (psych's RkF). */
  RkF: number | null;
  /** Reliability of one time, random (R1R). */
  R1R: number | null;
  /** Reliability of the average over random times (RkR). */
  RkR: number | null;
  /** Within-person reliability of change over time (Rc). */
  Rc: number | null;
  reasons?: Reasons;
  method: string;
}

export const MULTILEVEL_METHOD =
  'psych::multilevel.reliability (aov = TRUE, lmer = FALSE): variance components of the crossed subject × time × ' +
  'item ANOVA on complete, balanced data; RkF between persons, Rc within persons (Shrout & Lane 2012)';

function ratio(num: number, den: number, key: string, reasons: Reasons): number | null {
  if (den !== 0 && Number.isFinite(num / den)) return num / den;
  reasons[key] = 'its denominator, a sum of variance components, is 0';
  return null;
}

/**
 * Generalisability-theory reliabilities of a scale given repeatedly (Shrout & Lane 2012), as
 * psych::multilevel.reliability computes them by default: mean squares of the three-way ANOVA turned into
 * variance components by their expected values. That needs the balanced design psych assumes (every subject at
 * every time), so rows with a missing item are dropped first, then subjects missing any time. Negative
 * components are reported as psych reports them. Throws a RangeError when fewer than two subjects, times or
 * items remain.
 */
export function multilevelReliability(
  rows: ReadonlyArray<MultilevelRow>,
  itemNames: ReadonlyArray<string>,
): MultilevelReliability {
  const I = itemNames.length;
  const complete = rows.filter((r) => r.values.length === I && r.values.every((v) => v !== null && Number.isFinite(v)));
  const droppedRows = rows.length - complete.length;
  const times = [...new Set(complete.map((r) => r.time))];
  const bySubject = new Map<string, Map<string, number[]>>();
  for (const r of complete) {
    const m = bySubject.get(r.subject) ?? new Map<string, number[]>();
    if (m.has(r.time)) throw new RangeError(`subject ${r.subject} has two responses at time ${r.time}`);
    m.set(r.time, r.values as number[]);
    bySubject.set(r.subject, m);
  }
  const subjects = [...bySubject.keys()].filter((s) => bySubject.get(s)!.size === times.length);
  const droppedSubjects = bySubject.size - subjects.length;
  const P = subjects.length;
  const T = times.length;
  if (I < 2) throw new RangeError(`multilevel reliability needs at least two items, got ${I}`);
  if (T < 2) throw new RangeError(`multilevel reliability needs at least two times, got ${T}`);
  if (P < 2)
    throw new RangeError(
      `multilevel reliability needs at least two subjects observed at every one of the ${T} times, got ${P}`,
    );
  const x = (p: number, t: number, i: number) => bySubject.get(subjects[p]!)!.get(times[t]!)![i]!;

  const mP = new Array<number>(P).fill(0);
  const mT = new Array<number>(T).fill(0);
  const mI = new Array<number>(I).fill(0);
  const mPT = Array.from({ length: P }, () => new Array<number>(T).fill(0));
  const mPI = Array.from({ length: P }, () => new Array<number>(I).fill(0));
  const mTI = Array.from({ length: T }, () => new Array<number>(I).fill(0));
  let m = 0;
  for (let p = 0; p < P; p++)
    for (let t = 0; t < T; t++)
      for (let i = 0; i < I; i++) {
        const v = x(p, t, i);
        m += v / (P * T * I);
        mP[p]! += v / (T * I);
        mT[t]! += v / (P * I);
        mI[i]! += v / (P * T);
        mPT[p]![t]! += v / I;
        mPI[p]![i]! += v / T;
        mTI[t]![i]! += v / P;
      }
  let ssP = 0;
  let ssT = 0;
  let ssI = 0;
  let ssPT = 0;
  let ssPI = 0;
  let ssTI = 0;
  let ssE = 0;
  for (let p = 0; p < P; p++) ssP += T * I * (mP[p]! - m) ** 2;
  for (let t = 0; t < T; t++) ssT += P * I * (mT[t]! - m) ** 2;
  for (let i = 0; i < I; i++) ssI += P * T * (mI[i]! - m) ** 2;
  for (let p = 0; p < P; p++) for (let t = 0; t < T; t++) ssPT += I * (mPT[p]![t]! - mP[p]! - mT[t]! + m) ** 2;
  for (let p = 0; p < P; p++) for (let i = 0; i < I; i++) ssPI += T * (mPI[p]![i]! - mP[p]! - mI[i]! + m) ** 2;
  for (let t = 0; t < T; t++) for (let i = 0; i < I; i++) ssTI += P * (mTI[t]![i]! - mT[t]! - mI[i]! + m) ** 2;
  for (let p = 0; p < P; p++)
    for (let t = 0; t < T; t++)
      for (let i = 0; i < I; i++)
        ssE += (x(p, t, i) - mPT[p]![t]! - mPI[p]![i]! - mTI[t]![i]! + mP[p]! + mT[t]! + mI[i]! - m) ** 2;
  const msP = ssP / (P - 1);
  const msT = ssT / (T - 1);
  const msI = ssI / (I - 1);
  const msPT = ssPT / ((P - 1) * (T - 1));
  const msPI = ssPI / ((P - 1) * (I - 1));
  const msTI = ssTI / ((T - 1) * (I - 1));
  const error = ssE / ((P - 1) * (T - 1) * (I - 1));
  const components = {
    subject: (msP - msPT - msPI + error) / (T * I),
    time: (msT - msPT - msTI + error) / (P * I),
    items: (msI - msPI - msTI + error) / (P * T),
    subjectTime: (msPT - error) / I,
    subjectItems: (msPI - error) / T,
    timeItems: (msTI - error) / P,
    residual: error,
  };
  const c = components;
  const between = c.subject + c.subjectItems / I;
  const reasons: Reasons = {};
  const RkF = ratio(between, between + error / (T * I), 'RkF', reasons);
  const R1R = ratio(between, between + c.time + c.subjectTime + error / I, 'R1R', reasons);
  const RkR = ratio(between, between + c.time / T + c.subjectTime / T + error / (T * I), 'RkR', reasons);
  const Rc = ratio(c.subjectTime, c.subjectTime + error / I, 'Rc', reasons);
  return withReasons(
    {
      subjects: P,
      times: T,
      items: I,
      droppedRows,
      droppedSubjects,
      components,
      RkF,
      R1R,
      RkR,
      Rc,
      method: `${MULTILEVEL_METHOD}; ${P} subjects × ${T} times × ${I} items`,
    },
    reasons,
  );
}
