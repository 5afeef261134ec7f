/**
 * The lme4-style model formula the mixed model accepts:
 *
 *   y ~ session + x + (session | client)
 *   y ~ 1 + (1 | therapist/client)
 *   y ~ session * group + (1 + session || client)
 *
 * Fixed part: variable names, `a:b` interactions, `a*b` (= a + b + a:b), `1` / `0` / `-1` for the
 * intercept. Random part: `(terms | group)` with correlated effects, `(terms || group)` with independent
 * ones; the group may be `a/b` (b nested in a: expands to a and a:b) or `a:b`. Names containing other
 * characters can be written in backticks.
 */

export interface FixedTerm {
  /** Variables multiplied together; one for a main effect. */
  vars: string[];
}

export interface RandomTerm {
  /** Effects varying over the group: '(Intercept)' and/or variable names, in lme4's order. */
  effects: string[];
  /** Variables whose combination defines the group, e.g. ['therapist', 'client'] for therapist:client. */
  group: string[];
}

export interface ParsedFormula {
  response: string;
  intercept: boolean;
  fixed: FixedTerm[];
  random: RandomTerm[];
  /** Every column the formula names. */
  variables: string[];
  text: string;
}

export class FormulaError extends Error {
  constructor(
    message: string,
    readonly formula: string,
  ) {
    super(`formula "${formula}": ${message}`);
    this.name = 'FormulaError';
  }
}

type Token = { kind: 'name' | 'op' | 'num'; value: string };

function tokenize(s: string, formula: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '`') {
      const end = s.indexOf('`', i + 1);
      if (end < 0) throw new FormulaError('unclosed backtick', formula);
      out.push({ kind: 'name', value: s.slice(i + 1, end) });
      i = end + 1;
    } else if (c === '|' && s[i + 1] === '|') {
      out.push({ kind: 'op', value: '||' });
      i += 2;
    } else if ('~+-*:/()|'.includes(c)) {
      out.push({ kind: 'op', value: c });
      i++;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]*)?/.exec(s.slice(i))!;
      out.push({ kind: 'num', value: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_.]/.test(c)) {
      const m = /^[A-Za-z_.][A-Za-z0-9_.]*/.exec(s.slice(i))!;
      out.push({ kind: 'name', value: m[0] });
      i += m[0].length;
    } else {
      throw new FormulaError(`unexpected character "${c}" (write names with other characters in backticks)`, formula);
    }
  }
  return out;
}

/** Splits tokens at top-level + and − (outside parentheses), keeping the sign of each piece. */
function splitSum(tokens: Token[], formula: string): Array<{ sign: 1 | -1; tokens: Token[] }> {
  const parts: Array<{ sign: 1 | -1; tokens: Token[] }> = [];
  let depth = 0;
  let cur: Token[] = [];
  let sign: 1 | -1 = 1;
  const push = () => {
    if (cur.length === 0) throw new FormulaError('an empty term (two operators in a row?)', formula);
    parts.push({ sign, tokens: cur });
    cur = [];
  };
  tokens.forEach((t, idx) => {
    if (t.value === '(' && t.kind === 'op') depth++;
    if (t.value === ')' && t.kind === 'op') depth--;
    if (depth < 0) throw new FormulaError('unbalanced parentheses', formula);
    if (depth === 0 && t.kind === 'op' && (t.value === '+' || t.value === '-')) {
      if (idx === 0) {
        sign = t.value === '-' ? -1 : 1;
        return;
      }
      push();
      sign = t.value === '-' ? -1 : 1;
      return;
    }
    cur.push(t);
  });
  if (depth !== 0) throw new FormulaError('unbalanced parentheses', formula);
  push();
  return parts;
}

/** Parses a product term like a, a:b, a*b*c into the terms it stands for. */
function productTerms(tokens: Token[], formula: string): FixedTerm[] {
  const factors: string[] = [];
  const ops: string[] = [];
  tokens.forEach((t, i) => {
    if (i % 2 === 0) {
      if (t.kind !== 'name') throw new FormulaError(`expected a variable name, found "${t.value}"`, formula);
      factors.push(t.value);
    } else {
      if (t.value !== ':' && t.value !== '*') throw new FormulaError(`unexpected "${t.value}" in a term`, formula);
      ops.push(t.value);
    }
  });
  if (tokens.length % 2 === 0) throw new FormulaError('a term ends with an operator', formula);
  // a*b*c expands to every sub-product; a:b is one interaction. Mixed forms group by '*' first.
  const groups: string[][] = [[factors[0]!]];
  ops.forEach((op, i) => {
    if (op === ':') groups[groups.length - 1]!.push(factors[i + 1]!);
    else groups.push([factors[i + 1]!]);
  });
  const out: FixedTerm[] = [];
  const subsets = 1 << groups.length;
  for (let mask = 1; mask < subsets; mask++) {
    const vars: string[] = [];
    groups.forEach((g, gi) => {
      if (mask & (1 << gi)) vars.push(...g);
    });
    out.push({ vars });
  }
  return out;
}

function termKey(t: FixedTerm): string {
  return [...t.vars].sort().join(':');
}

export function parseFormula(text: string): ParsedFormula {
  const tokens = tokenize(text, text);
  const tilde = tokens.findIndex((t) => t.value === '~');
  if (tilde !== 1 || tokens[0]!.kind !== 'name')
    throw new FormulaError('expected "response ~ terms", e.g. "y ~ session + (session | client)"', text);
  const response = tokens[0]!.value;
  const rhs = tokens.slice(2);
  if (rhs.length === 0) throw new FormulaError('nothing after "~"', text);
  let intercept = true;
  const fixed: FixedTerm[] = [];
  const random: RandomTerm[] = [];
  for (const part of splitSum(rhs, text)) {
    const t = part.tokens;
    if (t.length === 1 && t[0]!.kind === 'num') {
      if (t[0]!.value === '1') intercept = part.sign === 1;
      else if (t[0]!.value === '0' && part.sign === 1) intercept = false;
      else
        throw new FormulaError(
          `"${part.sign < 0 ? '-' : ''}${t[0]!.value}" is not a term (use 1, 0 or -1 for the intercept)`,
          text,
        );
      continue;
    }
    if (t[0]!.value === '(') {
      if (part.sign < 0) throw new FormulaError('a random-effects term cannot be removed with "-"', text);
      if (t[t.length - 1]!.value !== ')')
        throw new FormulaError('a random-effects term must be a whole parenthesised "(terms | group)"', text);
      random.push(...parseRandom(t.slice(1, -1), text));
      continue;
    }
    const terms = productTerms(t, text);
    if (part.sign < 0) {
      const drop = new Set(terms.map(termKey));
      for (let i = fixed.length - 1; i >= 0; i--) if (drop.has(termKey(fixed[i]!))) fixed.splice(i, 1);
      continue;
    }
    for (const term of terms) if (!fixed.some((f) => termKey(f) === termKey(term))) fixed.push(term);
  }
  // R orders model terms by degree (main effects, then two-way interactions, ...), stably.
  fixed.sort((a, b) => a.vars.length - b.vars.length);
  const variables = [
    ...new Set([
      response,
      ...fixed.flatMap((f) => f.vars),
      ...random.flatMap((r) => [...r.effects.filter((e) => e !== '(Intercept)'), ...r.group]),
    ]),
  ];
  return { response, intercept, fixed, random, variables, text };
}

function parseRandom(tokens: Token[], formula: string): RandomTerm[] {
  const bar = tokens.findIndex((t) => t.kind === 'op' && (t.value === '|' || t.value === '||'));
  if (bar < 0)
    throw new FormulaError(
      'a parenthesised term needs "|" between the effects and the group, e.g. (session | client)',
      formula,
    );
  const independent = tokens[bar]!.value === '||';
  const lhs = tokens.slice(0, bar);
  const rhs = tokens.slice(bar + 1);
  if (lhs.length === 0 || rhs.length === 0)
    throw new FormulaError('"|" needs effects on its left and a group on its right', formula);

  let intercept = true;
  const vars: string[] = [];
  for (const part of splitSum(lhs, formula)) {
    const t = part.tokens;
    if (t.length === 1 && t[0]!.kind === 'num') {
      if (t[0]!.value === '1') intercept = part.sign === 1;
      else if (t[0]!.value === '0' && part.sign === 1) intercept = false;
      else throw new FormulaError(`"${t[0]!.value}" is not a random-effects term`, formula);
      continue;
    }
    if (t.length !== 1 || t[0]!.kind !== 'name')
      throw new FormulaError('random effects may be 1 and variable names only (no interactions)', formula);
    if (part.sign < 0) throw new FormulaError(`"-${t[0]!.value}" is not supported in a random-effects term`, formula);
    if (!vars.includes(t[0]!.value)) vars.push(t[0]!.value);
  }
  const effects = [...(intercept ? ['(Intercept)'] : []), ...vars];
  if (effects.length === 0) throw new FormulaError('a random-effects term with no effects', formula);

  // Group: a, a:b, or a/b (= a + a:b); nesting chains a/b/c too.
  const groupNames: string[] = [];
  const ops: string[] = [];
  rhs.forEach((t, i) => {
    if (i % 2 === 0) {
      if (t.kind !== 'name')
        throw new FormulaError(`expected a grouping variable after "|", found "${t.value}"`, formula);
      groupNames.push(t.value);
    } else {
      if (t.value !== '/' && t.value !== ':')
        throw new FormulaError(
          `unexpected "${t.value}" in a grouping factor (use / for nesting or : for interaction)`,
          formula,
        );
      ops.push(t.value);
    }
  });
  if (rhs.length % 2 === 0) throw new FormulaError('the grouping factor ends with an operator', formula);
  const levels: string[][] = [[groupNames[0]!]];
  ops.forEach((op, i) => {
    if (op === ':') levels[levels.length - 1]!.push(groupNames[i + 1]!);
    else levels.push([groupNames[i + 1]!]);
  });
  const groups: string[][] = levels.map((_, i) => levels.slice(0, i + 1).flat());

  const out: RandomTerm[] = [];
  for (const group of groups) {
    if (independent) for (const e of effects) out.push({ effects: [e], group });
    else out.push({ effects, group });
  }
  return out;
}

/** lme4's name for a grouping factor: the variables joined by ':' innermost first (therapist/client gives client:therapist). */
export function groupName(group: string[]): string {
  return [...group].reverse().join(':');
}
