import type { CodebookRow } from './rows';

export const CODEBOOK_COLUMNS = [
  'name',
  'label',
  'instrument',
  'form',
  'item or scale',
  'type',
  'range',
  'anchors',
  'keying',
  'scoring',
  'missing codes',
] as const;

/** The codebook columns as display strings, shared by the Markdown and HTML renderers. */
export function codebookCells(r: CodebookRow): string[] {
  const range = `${r.min}–${r.max}${r.kind === 'item' && r.decimals > 0 ? ` (${r.decimals} decimal${r.decimals > 1 ? 's' : ''})` : ''}`;
  return [
    r.name,
    r.label,
    r.instrument,
    r.form,
    r.kind === 'item' ? `item ${r.id}` : `scale ${r.id}`,
    r.type,
    range,
    r.anchors.map((a) => `${a.value} = ${a.label}`).join('; '),
    r.keying,
    r.scoring,
    r.missing,
  ];
}

function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function renderMarkdown(rows: CodebookRow[], opts: { title?: string; notes?: string[] } = {}): string {
  const out = [`# ${opts.title ?? 'Codebook'}`, ''];
  for (const n of opts.notes ?? []) out.push(`- ${n}`);
  if (opts.notes?.length) out.push('');
  out.push(`| ${CODEBOOK_COLUMNS.join(' | ')} |`, `| ${CODEBOOK_COLUMNS.map(() => '---').join(' | ')} |`);
  for (const r of rows) out.push(`| ${codebookCells(r).map(cell).join(' | ')} |`);
  return `${out.join('\n')}\n`;
}
