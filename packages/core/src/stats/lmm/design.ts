import { groupName, type ParsedFormula } from './formula';

/**
 * Model matrices for the mixed model, built as R's model.matrix and lme4's mkReTrms build them, so column
 * names, factor coding and grouping-level names match what R users see.
 */

export type Value = number | string | null;
/** Data by column name: each column one value per row; null, '' and NA-like strings are missing. */
export type Columns = Record<string, ReadonlyArray<Value>>;

/** A problem with the data, located at a 0-based row of the input and a column name. */
export class DesignError extends Error {
  constructor(
    message: string,
    readonly row: number | undefined,
    readonly column: string | undefined,
  ) {
    super(message);
    this.name = 'DesignError';
  }
}

export interface ReTerm {
  /** lme4's grouping-factor name (client, client:therapist). */
  group: string;
  effects: string[];
  /** Effects per level (p). */
  p: number;
  levels: string[];
  /** Level of each used row. */
  index: Int32Array;
  /** The term's model-matrix rows: n × p, row-major. */
  z: Float64Array;
}

export interface Design {
  n: number;
  /** Input row of each used row (rows with a missing value in any model variable are dropped, as na.omit). */
  rows: Int32Array;
  dropped: number;
  y: Float64Array;
  /** n × p fixed-effects matrix, row-major. */
  x: Float64Array;
  fixedNames: string[];
  terms: ReTerm[];
  /** What the design did that the user may not have meant (a numeric column read as a factor). */
  warnings?: string[];
}

const MISSING = new Set(['', 'NA', 'N/A', 'NaN', '.', 'null']);

function isMissing(v: Value | undefined): boolean {
  return (
    v === null ||
    v === undefined ||
    (typeof v === 'number' && Number.isNaN(v)) ||
    (typeof v === 'string' && MISSING.has(v.trim()))
  );
}

function asNumber(v: Value): number {
  return typeof v === 'number' ? v : v !== null && v.trim() !== '' ? Number(v) : NaN;
}

/** Byte-order comparison: R's sort() of factor levels in the C locale. */
function cLocaleCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Coded {
  /** Column-name suffixes and the value of each used row for each. */
  names: string[];
  values: Float64Array[];
}

export function buildDesign(formula: ParsedFormula, data: Columns): Design {
  for (const v of formula.variables)
    if (!(v in data))
      throw new DesignError(
        `the formula names a column "${v}" that the data does not have; columns: ${Object.keys(data)
          .map((c) => `"${c}"`)
          .join(', ')}`,
        undefined,
        v,
      );
  const total = data[formula.response]!.length;
  for (const v of formula.variables)
    if (data[v]!.length !== total)
      throw new RangeError(`column "${v}" has ${data[v]!.length} values, expected ${total}`);

  const used: number[] = [];
  for (let i = 0; i < total; i++) if (formula.variables.every((v) => !isMissing(data[v]![i]))) used.push(i);
  const rows = Int32Array.from(used);
  const n = rows.length;
  if (n === 0) throw new DesignError('no row has values for every variable in the formula', undefined, undefined);

  const numericColumn = (name: string, role: string): Float64Array => {
    const col = data[name]!;
    const out = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const x = asNumber(col[rows[k]!]!);
      if (!Number.isFinite(x))
        throw new DesignError(`${role} "${name}" must be numeric, found "${String(col[rows[k]!])}"`, rows[k]!, name);
      out[k] = x;
    }
    return out;
  };
  const isNumeric = (name: string) => {
    const col = data[name]!;
    for (let k = 0; k < n; k++) if (!Number.isFinite(asNumber(col[rows[k]!]!))) return false;
    return true;
  };

  const y = numericColumn(formula.response, 'the response');
  if (y.every((v) => v === y[0]))
    throw new DesignError(
      `the response "${formula.response}" does not vary (all ${n} rows used have ${y[0]}), so there is no variance for a mixed model to partition`,
      undefined,
      formula.response,
    );
  const warnings: string[] = [];
  // A number column with a word or two in it ("two" for 2) is read as a factor, as R would; that is rarely
  // what was meant, so it is said.
  const warnIfMostlyNumeric = (name: string) => {
    const col = data[name]!;
    const words = new Set<string>();
    let wordRows = 0;
    for (let k = 0; k < n; k++) {
      const v = col[rows[k]!]!;
      if (Number.isFinite(asNumber(v))) continue;
      wordRows++;
      words.add(String(v).trim());
    }
    if (words.size > 2 || wordRows * 2 >= n) return;
    const list = [...words].map((w) => `"${w}"`).join(' and ');
    warnings.push(
      `column "${name}" is numeric except for ${list} (${wordRows} of ${n} rows), so it is treated as a factor; correct the value, or leave it empty to drop the row, if a number was meant`,
    );
  };

  // Fixed effects: treatment contrasts for non-numeric columns; R's rule for when a factor in a term is
  // coded by contrasts (its margin is already in the model) or by full indicators.
  const factorLevels = new Map<string, string[]>();
  const factorValue = (name: string, k: number) => String(data[name]![rows[k]!]).trim();
  for (const t of formula.fixed) {
    for (const v of t.vars) {
      if (factorLevels.has(v) || isNumeric(v)) continue;
      warnIfMostlyNumeric(v);
      const lv = new Set<string>();
      for (let k = 0; k < n; k++) lv.add(factorValue(v, k));
      factorLevels.set(v, [...lv].sort(cLocaleCompare));
    }
  }
  const code = (v: string, full: boolean): Coded => {
    const levels = factorLevels.get(v);
    if (!levels) return { names: [v], values: [numericColumn(v, 'the fixed-effect variable')] };
    const keep = full ? levels : levels.slice(1);
    return {
      names: keep.map((l) => v + l),
      values: keep.map((l) => {
        const col = new Float64Array(n);
        for (let k = 0; k < n; k++) col[k] = factorValue(v, k) === l ? 1 : 0;
        return col;
      }),
    };
  };
  const names: string[] = [];
  const cols: Float64Array[] = [];
  if (formula.intercept) {
    names.push('(Intercept)');
    cols.push(new Float64Array(n).fill(1));
  }
  const seen: string[] = [];
  let emptyMarginPresent = formula.intercept;
  for (const t of formula.fixed) {
    let acc: Coded = { names: [''], values: [new Float64Array(n).fill(1)] };
    for (const v of t.vars) {
      const margin = t.vars.filter((w) => w !== v);
      const marginPresent = margin.length === 0 ? emptyMarginPresent : seen.includes([...margin].sort().join(':'));
      const c = code(v, factorLevels.has(v) && !marginPresent);
      const next: Coded = { names: [], values: [] };
      // R varies the first factor fastest within an interaction's columns.
      c.names.forEach((cn, j) => {
        acc.names.forEach((an, i) => {
          next.names.push(an ? `${an}:${cn}` : cn);
          const col = new Float64Array(n);
          const a = acc.values[i]!;
          const b = c.values[j]!;
          for (let k = 0; k < n; k++) col[k] = a[k]! * b[k]!;
          next.values.push(col);
        });
      });
      acc = next;
    }
    if (t.vars.length === 1 && factorLevels.has(t.vars[0]!) && !emptyMarginPresent) emptyMarginPresent = true;
    seen.push([...t.vars].sort().join(':'));
    names.push(...acc.names);
    cols.push(...acc.values);
  }
  const p = names.length;
  const x = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    const c = cols[j]!;
    for (let k = 0; k < n; k++) x[k * p + j] = c[k]!;
  }

  const terms: ReTerm[] = formula.random.map((rt) => {
    const effectCols = rt.effects.map((e) =>
      e === '(Intercept)' ? new Float64Array(n).fill(1) : numericColumn(e, 'the random-effect variable'),
    );
    const q = rt.effects.length;
    const z = new Float64Array(n * q);
    for (let k = 0; k < n; k++) for (let j = 0; j < q; j++) z[k * q + j] = effectCols[j]![k]!;
    const map = new Map<string, number>();
    const levels: string[] = [];
    const index = new Int32Array(n);
    const inner = [...rt.group].reverse();
    for (let k = 0; k < n; k++) {
      const key = inner.map((g) => String(data[g]![rows[k]!]).trim()).join(':');
      let l = map.get(key);
      if (l === undefined) {
        l = levels.length;
        map.set(key, l);
        levels.push(key);
      }
      index[k] = l;
    }
    return { group: groupName(rt.group), effects: rt.effects, p: q, levels, index, z };
  });
  // lme4 (mkReTrms) reorders terms as rev(order(levels)) when any term has more levels than the one before
  // it. That is also the order that keeps the factorisation sparse: the largest factor becomes the
  // block-diagonal part.
  const nl = terms.map((t) => t.levels.length);
  let order = terms.map((_, i) => i);
  if (nl.some((v, i) => i > 0 && v > nl[i - 1]!)) order = order.sort((a, b) => nl[a]! - nl[b]! || a - b).reverse();
  return {
    n,
    rows,
    dropped: total - n,
    y,
    x,
    fixedNames: names,
    terms: order.map((i) => terms[i]!),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
