import type { CellState, CollectionCell } from '@alliance-lab/core';
import { RequestError } from '../request-error';

export const STATES: readonly CellState[] = ['done', 'due', 'overdue', 'expired', 'not scheduled'];

/** The grid's filters, as the query string gives them ('' is "any"). */
export interface GridFilter {
  client: string;
  /** "instrument:form" */
  form: string;
  state: string;
}

export function gridFilter(query: (k: string) => string | undefined, forms: readonly string[]): GridFilter {
  const f = { client: query('client')?.trim() ?? '', form: query('form') ?? '', state: query('state') ?? '' };
  if (f.state && !STATES.includes(f.state as CellState))
    throw new RequestError(400, `state must be one of ${STATES.join(', ')}`);
  if (f.form && !forms.includes(f.form)) throw new RequestError(400, `form must be one of ${forms.join(', ')}`);
  if (f.client.length > 32) throw new RequestError(400, 'client: a pseudonymous id of at most 32 characters');
  return f;
}

/** The cells a filter keeps: a client's, a form's, in a state. */
export function filterCells(cells: readonly CollectionCell[], f: GridFilter): CollectionCell[] {
  return cells.filter(
    (x) =>
      (!f.client || x.client === f.client) &&
      (!f.form || `${x.instrument}:${x.form}` === f.form) &&
      (!f.state || x.state === f.state),
  );
}

/** The filter as a query string ('' when none), for links that keep it (the missing CSV). */
export function filterQuery(f: GridFilter): string {
  const q = new URLSearchParams(Object.entries(f).filter(([, v]) => v !== ''));
  const s = q.toString();
  return s ? `?${s}` : '';
}
