import type { Study } from '@alliance-lab/core';
import type { Context } from 'hono';
import type { html } from 'hono/html';
import { csrfFor, type StaffEnv } from '../staff/auth';
import { staffPage } from '../staff/staff-layout';

export type Html = ReturnType<typeof html>;

/** A staff page for the signed-in member, with the CSRF token their forms carry. */
export function staffHtml(
  c: Context<StaffEnv>,
  study: Study,
  title: string,
  body: Html | Html[],
  status: 200 | 422 = 200,
) {
  return c.html(staffPage({ title, study: study.config.name, staff: c.get('staff')!, csrf: csrfOf(c), body }), status);
}

export function csrfOf(c: Context<StaffEnv>): string {
  return csrfFor(c.get('sessionToken')!);
}

/** A CSV download: UTF-8, CRLF line ends, RFC 4180 quoting (csvEscape). */
export function csvResponse(c: Context, filename: string, header: readonly string[], lines: readonly string[]) {
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="${filename}"`);
  return c.body(`${[header.join(','), ...lines].join('\r\n')}\r\n`);
}

/** A posted field as trimmed text ('' when absent or a file). */
export function field(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  return typeof v === 'string' ? v.trim() : '';
}
