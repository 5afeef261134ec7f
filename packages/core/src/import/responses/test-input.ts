import { join } from 'node:path';
import { ErrorList } from './error-list';
import { DEFAULT_ID_COLUMNS, type IdColumns, type ParseInput, type RespondentKind } from './types';

/** The shared fixtures in test/fixtures/responses. */
export const FIXTURES = join(import.meta.dirname, '../../../../../test/fixtures/responses');

export const numbered = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1));

/**
 * A parser's input for unit tests of file reading alone. Values are checked against a plain integer range here;
 * the instrument engine's own checks are exercised by the importer's tests.
 */
export function parseInput(
  file: string,
  o: {
    items?: readonly string[];
    respondent?: RespondentKind;
    columns?: Partial<IdColumns>;
    range?: [number, number];
  } = {},
): ParseInput {
  const path = file.startsWith('/') ? file : join(FIXTURES, file);
  const label = path.split('/').pop()!;
  const [lo, hi] = o.range ?? [1, 5];
  return {
    path,
    label,
    items: o.items ?? numbered(12),
    columns: { ...DEFAULT_ID_COLUMNS, ...o.columns },
    respondent: o.respondent ?? 'client',
    errors: new ErrorList(label),
    checkValue: (_item, raw) =>
      Number.isInteger(Number(raw)) && Number(raw) >= lo && Number(raw) <= hi
        ? undefined
        : `not a whole number from ${lo} to ${hi}`,
  };
}
