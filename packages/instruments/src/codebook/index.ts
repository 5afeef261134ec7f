import type { CodebookEntry } from './rows';
import { unconfirmedFacts } from '../unconfirmed';

export { codebookRows, variableName, type CodebookEntry, type CodebookRow } from './rows';
export { renderRedcapCsv, REDCAP_COLUMNS } from './redcap-csv';
export { renderMarkdown, codebookCells, CODEBOOK_COLUMNS } from './markdown';
export { renderHtml } from './html';

/** Licence notes and unconfirmed-key warnings to print above a Markdown or HTML codebook. */
export function codebookNotes(entries: CodebookEntry[]): string[] {
  const seen = new Set<string>();
  const notes: string[] = [];
  for (const e of entries) {
    const def = e.definition;
    if (!seen.has(def.id)) {
      seen.add(def.id);
      notes.push(`${def.name}: ${def.licence.note}`);
    }
    const n = unconfirmedFacts(def).filter((f) => f.form === null || f.form.split(', ').includes(e.form)).length;
    if (n)
      notes.push(
        `${def.id} ${e.form}: ${n} unconfirmed fact${n > 1 ? 's' : ''} (keys, anchors or citations); see \`alliance instruments show ${def.id}\`.`,
      );
    notes.push(
      `${def.id} ${e.form}: item labels are ${e.wording?.forms[e.form as never] ? `licensed wording (${e.wording.licence})` : 'paraphrases in our own words, not the instrument wording'}.`,
    );
  }
  return notes;
}
