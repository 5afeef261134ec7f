import { describe, expect, it } from 'vitest';
import { buildDesign } from './design';
import { FormulaError, parseFormula } from './formula';

describe('lme4-style formula', () => {
  it('reads fixed terms, interactions and a correlated random slope', () => {
    const f = parseFormula('y ~ session * group + x + (session | client)');
    expect(f.response).toBe('y');
    expect(f.intercept).toBe(true);
    expect(f.fixed.map((t) => t.vars.join(':'))).toEqual(['session', 'group', 'x', 'session:group']);
    expect(f.random).toEqual([{ effects: ['(Intercept)', 'session'], group: ['client'] }]);
  });

  it('expands nesting and uncorrelated effects as lme4 does', () => {
    expect(parseFormula('y ~ 1 + (1 | therapist/client)').random).toEqual([
      { effects: ['(Intercept)'], group: ['therapist'] },
      { effects: ['(Intercept)'], group: ['therapist', 'client'] },
    ]);
    expect(parseFormula('y ~ session + (session || client)').random).toEqual([
      { effects: ['(Intercept)'], group: ['client'] },
      { effects: ['session'], group: ['client'] },
    ]);
    expect(parseFormula('y ~ 0 + session + (0 + session | client)').intercept).toBe(false);
    expect(parseFormula('y ~ session - 1 + (1 | client)').intercept).toBe(false);
    expect(parseFormula('`alliance score` ~ `session no` + (1 | client)').variables).toEqual([
      'alliance score',
      'session no',
      'client',
    ]);
  });

  it.each([
    ['y session', /response ~ terms/],
    ['y ~ (session | client', /parenthes/],
    ['y ~ session + (session client)', /needs "\|"/],
    ['y ~ session + + x', /empty term/],
    ['y ~ session$ + (1|client)', /unexpected character/],
    ['y ~ (a:b | client)', /no interactions/],
  ])('rejects %s', (text, message) => {
    expect(() => parseFormula(text)).toThrow(FormulaError);
    expect(() => parseFormula(text)).toThrow(message);
  });
});

// Column names R's model.matrix gives (R 4.2, C locale) for a factor g with levels "A", "b" and therapist
// with levels t0..t3:
//   ~ 0 + g + therapist   -> gA gb therapistt1 therapistt2 therapistt3
//   ~ session:g           -> (Intercept) session:gA session:gb
//   ~ session * g         -> (Intercept) session gb session:gb
describe('fixed-effects design follows R model.matrix coding', () => {
  const data = {
    y: [1, 2, 3, 4, 5, 6, 7, 8],
    session: [1, 2, 1, 2, 1, 2, 1, 2],
    g: ['b', 'b', 'A', 'A', 'A', 'b', 'A', 'A'],
    therapist: ['t0', 't0', 't1', 't1', 't2', 't2', 't3', 't3'],
    client: ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd'],
  };
  it.each([
    ['y ~ 0 + g + therapist + (1 | client)', ['gA', 'gb', 'therapistt1', 'therapistt2', 'therapistt3']],
    ['y ~ session:g + (1 | client)', ['(Intercept)', 'session:gA', 'session:gb']],
    ['y ~ session * g + (1 | client)', ['(Intercept)', 'session', 'gb', 'session:gb']],
  ])('%s', (formula, names) => {
    expect(buildDesign(parseFormula(formula), data).fixedNames).toEqual(names);
  });

  it('codes treatment contrasts against the first level in byte order', () => {
    const d = buildDesign(parseFormula('y ~ session * g + (1 | client)'), data);
    // Row 0: session 1, g "b" -> 1, 1, 1, 1; row 2: session 1, g "A" -> 1, 1, 0, 0.
    expect(Array.from(d.x.subarray(0, 4))).toEqual([1, 1, 1, 1]);
    expect(Array.from(d.x.subarray(8, 12))).toEqual([1, 1, 0, 0]);
  });

  it('names nested grouping levels inner:outer, as lme4 (client:therapist)', () => {
    const d = buildDesign(parseFormula('y ~ 1 + (1 | therapist/client)'), {
      ...data,
      therapist: ['t0', 't0', 't0', 't0', 't1', 't1', 't1', 't1'],
    });
    expect(d.terms.map((t) => t.group)).toEqual(['client:therapist', 'therapist']);
    expect(d.terms[0]!.levels[0]).toBe('a:t0');
  });
});
