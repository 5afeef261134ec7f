/** The folder's README: what it holds and how to load it, three lines for each of R, pandas and DuckDB. */
export function datasetReadme(study: string, tables: readonly string[], deidentified: boolean): string {
  return `# ${study}: dataset

Written by \`alliance export dataset\`. ${
    deidentified
      ? "De-identified: client, therapist and actor ids are pseudonyms re-keyed with a secret kept in the study store; there are no calendar dates (`day` counts days since the client's first session) and no transcript text."
      : "Identified: the study's own ids and dates."
  } Every column of every file is described in \`codebook.csv\` (REDCap data-dictionary layout) and \`codebook.md\`; \`manifest.json\` gives each file's SHA-256, row count and columns.

Tables: ${tables.map((t) => `\`${t}\``).join(', ')}, and \`scores_wide.csv\` (one row per session). Tables join on \`client\` and \`session\`. Missing values are empty cells; flags are 0/1.

## R

\`\`\`r
scores <- read.csv("scores.csv")
sessions <- read.csv("sessions.csv")
merged <- merge(scores, sessions, by = c("client", "session"))
\`\`\`

## pandas

\`\`\`python
import pandas as pd
scores = pd.read_csv("scores.csv")
merged = scores.merge(pd.read_csv("sessions.csv"), on=["client", "session"])
\`\`\`

## DuckDB

\`\`\`sql
CREATE TABLE scores AS SELECT * FROM read_csv_auto('scores.csv');
CREATE TABLE sessions AS SELECT * FROM read_csv_auto('sessions.csv');
SELECT * FROM scores JOIN sessions USING (client, session);
\`\`\`
`;
}
