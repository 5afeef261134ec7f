import { CODEBOOK_COLUMNS, codebookCells } from './markdown';
import type { CodebookRow } from './rows';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A standalone HTML page; rows whose key is unconfirmed are marked so they stand out in print too. */
export function renderHtml(rows: CodebookRow[], opts: { title?: string; notes?: string[] } = {}): string {
  const title = esc(opts.title ?? 'Codebook');
  const notes = (opts.notes ?? []).map((n) => `<li>${esc(n)}</li>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr${r.confirmed ? '' : ' class="unconfirmed"'}>${codebookCells(r)
          .map((c) => `<td>${esc(c)}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}tr.unconfirmed td{background:#fff4e5}</style>
</head><body>
<h1>${title}</h1>
${notes ? `<ul>${notes}</ul>` : ''}
<table><thead><tr>${CODEBOOK_COLUMNS.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead>
<tbody>
${body}
</tbody></table>
</body></html>
`;
}
