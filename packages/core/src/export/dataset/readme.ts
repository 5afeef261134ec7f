import { readFileSync } from 'node:fs';

// A template file, so the README's R, Python and SQL lines read as what they are.
const TEMPLATE = readFileSync(new URL('./readme-template.md', import.meta.url), 'utf8');

/** The folder's README: what it holds and how to load it, three lines for each of R, pandas and DuckDB. */
export function datasetReadme(study: string, tables: readonly string[], deidentified: boolean): string {
  const privacy = deidentified
    ? "De-identified: client, therapist and actor ids are pseudonyms re-keyed with a secret kept in the study store; there are no calendar dates (`day` counts days since the client's first session) and no transcript text."
    : "Identified: the study's own ids and dates.";
  return TEMPLATE.replace('{{study}}', study)
    .replace('{{privacy}}', privacy)
    .replace('{{tables}}', tables.map((t) => `\`${t}\``).join(', '));
}
