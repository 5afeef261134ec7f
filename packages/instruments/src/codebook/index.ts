import type { CodebookEntry } from './rows';
import { unconfirmedFacts } from '../unconfirmed';

export { codebookRows, variableName, type CodebookEntry, type CodebookRow } from './rows';
export { renderRedcapCsv, REDCAP_COLUMNS } from './redcap-csv';
export { renderMarkdown, codebookCells, CODEBOOK_COLUMNS } from './markdown';
export { renderHtml } from './html';

/**
 * Licence notes and unconfirmed-key warnings to print above a Markdown or HTML codebook, each said once: a study
 * lists a form once for its respondents and again for every rater that scores it, and the notes are the same.
 */
export function codebookNotes(entries: CodebookEntry[]): string[] {
  const notes = new Set<string>();
  for (const e of entries) {
    const def = e.definition;
    notes.add(`${def.name}: ${def.licence.note}`);
    const n = unconfirmedFacts(def).filter((f) => f.form === null || f.form.split(', ').includes(e.form)).length;
    if (n)
      notes.add(
        `${def.id} ${e.form}: ${n} unconfirmed fact${n > 1 ? 's' : ''} (keys, anchors or citations); see \`alliance instruments show ${def.id}\`.`,
      );
    notes.add(
      `${def.id} ${e.form}: item labels are ${e.wording?.forms[e.form as never] ? `licensed wording (${e.wording.licence})` : 'paraphrases in our own words, not the instrument wording'}.`,
    );
  }
  return [...notes];
}
