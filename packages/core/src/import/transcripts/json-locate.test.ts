import { describe, expect, it } from 'vitest';
import { findJsonPath, findJsonProblem, lineColumnAt } from './json-locate';

describe('JSON locator', () => {
  it('finds the first syntax problem and says what was expected', () => {
    expect(findJsonProblem('{"a": 1}')).toBeUndefined();
    expect(findJsonProblem('{"a": }')).toEqual({ offset: 6, expected: expect.stringMatching(/^a value/) });
    expect(findJsonProblem('{"a": 1 "b": 2}')).toEqual({ offset: 8, expected: '"," or "}" after a property value' });
    expect(findJsonProblem('{"a": "line\nbreak"}')).toEqual({
      offset: 11,
      expected: expect.stringMatching(/no raw line breaks/),
    });
    expect(findJsonProblem('{"a": "open')).toEqual({
      offset: 11,
      expected: 'a closing double quote; the string is never closed',
    });
    expect(findJsonProblem('[01]')).toEqual({ offset: 2, expected: expect.stringMatching(/no leading zeros/) });
    expect(findJsonProblem('{} {}')).toEqual({
      offset: 3,
      expected: expect.stringMatching(/^nothing after the JSON value/),
    });
    expect(findJsonProblem("{'a': 1}")).toEqual({ offset: 1, expected: 'a property name in double quotes' });
  });

  it('finds where a schema path sits, or its deepest existing parent', () => {
    const text = '{\n  "u": [\n    {"id": "a"},\n    {"id": "b", "start": -1}\n  ]\n}';
    expect(lineColumnAt(text, findJsonPath(text, ['u', 1, 'start']))).toEqual({ line: 4, column: 26 });
    expect(lineColumnAt(text, findJsonPath(text, ['u', 0, 'role']))).toEqual({ line: 3, column: 5 });
    expect(lineColumnAt(text, findJsonPath(text, []))).toEqual({ line: 1, column: 1 });
    expect(lineColumnAt('x', 0, 40)).toEqual({ line: 40, column: 1 });
  });
});
