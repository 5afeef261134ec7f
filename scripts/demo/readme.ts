import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MARKER_GROUPS, MARKER_MEANINGS, MARKERS } from './markers';
import { DEMO_MODEL, PARAMETER_DOCS } from './model';

const TEMPLATE = fileURLToPath(new URL('./readme-template.md', import.meta.url));

export interface DemoSummary {
  clients: number;
  therapists: number;
  sessions: number;
  minSessions: number;
  maxSessions: number;
  utterances: number;
  minUtterances: number;
  maxUtterances: number;
  ruptures: number;
  repaired: number;
  codedSessions: number;
  observerReverse: string[];
}

/** The dataset README, filled from the model object that generated the data, so the two cannot disagree. */
export function renderReadme(summary: DemoSummary): string {
  const s = summary;
  const values: Record<string, string> = {
    seed: String(DEMO_MODEL.seed),
    summary:
      `${s.clients} clients, ${s.therapists} therapists, ${s.sessions} sessions (${s.minSessions}–${s.maxSessions} per client), ` +
      `${s.utterances} utterances (${s.minUtterances}–${s.maxUtterances} per session); ${s.ruptures} rupture sessions, ` +
      `${s.repaired} of them repaired; ${s.codedSessions} sessions rated by both coders.`,
    observerReverse: s.observerReverse.length
      ? `items ${s.observerReverse.join(', ')}`
      : 'none in the current definition',
    coderShare: `${Math.round(DEMO_MODEL.coders.fraction * 100)}%`,
    markers: MARKERS.map((m) => `| \`${m}\` | ${familyOf(m)} | ${MARKER_MEANINGS[m]} |`).join('\n'),
    parameters: parameterRows().join('\n'),
  };
  return readFileSync(TEMPLATE, 'utf8').replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    const v = values[k];
    if (v === undefined) throw new Error(`readme template asks for {{${k}}}`);
    return v;
  });
}

function familyOf(m: string): string {
  for (const [family, members] of Object.entries(MARKER_GROUPS))
    if ((members as readonly string[]).includes(m)) return family;
  return 'client engagement';
}

/** One row per documented parameter; an undocumented or stale entry is an error, so the README stays complete. */
function parameterRows(): string[] {
  const rows: string[] = [];
  const seen = new Set<string>();
  const walk = (value: unknown, path: string) => {
    const doc = PARAMETER_DOCS[path];
    if (doc !== undefined) {
      seen.add(path);
      rows.push(`| \`${path}\` | ${format(value)} | ${doc} |`);
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    } else throw new Error(`demo model parameter "${path}" has no entry in PARAMETER_DOCS`);
  };
  walk(DEMO_MODEL, '');
  const stale = Object.keys(PARAMETER_DOCS).filter((k) => !seen.has(k));
  if (stale.length) throw new Error(`PARAMETER_DOCS describes parameters the model lacks: ${stale.join(', ')}`);
  return rows;
}

function format(v: unknown): string {
  if (Array.isArray(v)) return v.map(format).join(', ');
  if (v && typeof v === 'object')
    return Object.entries(v)
      .map(([k, x]) => (x && typeof x === 'object' ? `${k} (${format(x)})` : `${k} ${format(x)}`))
      .join(', ');
  return String(v);
}
