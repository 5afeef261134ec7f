import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toCsv } from '@alliance-lab/core';
import { buildCohort } from './cohort';
import { coderRatings, type CodedSession } from './coders';
import { GROUND_TRUTH_COLUMNS, groundTruthRow, MARKER_COLUMNS, markerRows } from './ground-truth';
import { loadFormItems } from './instrument-items';
import { DEMO_MODEL } from './model';
import { loadPhraseBank } from './phrase-bank';
import { renderReadme, type DemoSummary } from './readme';
import { Rng } from './rng';
import { clientSelfReports, type ResponseRow } from './self-report';
import { generateSession } from './session-transcript';
import { latentTrajectory } from './trajectories';

export const DEMO_FILES = [
  'README.md',
  'transcripts.jsonl',
  'ground-truth.csv',
  'markers.csv',
  'wai-sr.csv',
  'srs.csv',
  'coders-wai-o-s.csv',
] as const;

/** Generates the whole demo dataset into outDir (created if needed) and returns its summary. */
export function generateDemo(outDir: string): DemoSummary {
  const bank = loadPhraseBank();
  const root = new Rng(DEMO_MODEL.seed);
  const forms = {
    waiSr: loadFormItems('wai-sr', 'client'),
    srs: loadFormItems('srs', 'client'),
    waiOs: loadFormItems('wai-o-s', 'observer'),
  };
  const cohort = buildCohort(root.fork('cohort'), bank);

  const transcripts: string[] = [];
  const truth: ResponseRow[] = [];
  const markers: ResponseRow[] = [];
  const waiSr: ResponseRow[] = [];
  const srs: ResponseRow[] = [];
  const coded: CodedSession[] = [];
  for (const client of cohort.clients) {
    const therapist = cohort.therapists.find((t) => t.id === client.therapist)!;
    const states = latentTrajectory(root.fork(`latent/${client.id}`), client, therapist);
    for (const state of states) {
      const session = generateSession(
        root.fork(`transcript/${client.id}/${state.session}`),
        bank,
        client,
        therapist,
        state,
      );
      transcripts.push(JSON.stringify(session.transcript));
      truth.push(groundTruthRow(state, session));
      markers.push(...markerRows(session));
      coded.push({ client: client.id, session: state.session, latent: state.latent });
    }
    const reports = clientSelfReports(root.fork(`self-report/${client.id}`), client.id, states, forms);
    waiSr.push(...reports.waiSr);
    srs.push(...reports.srs);
  }
  const coders = coderRatings(root.fork('coders'), coded, forms.waiOs);

  const ids = (f: { items: Array<{ id: string }> }) => f.items.map((i) => i.id);
  const perClient = cohort.clients.map((c) => c.sessions);
  const lengths = truth.map((r) => Number(r.utterances));
  const summary: DemoSummary = {
    clients: cohort.clients.length,
    therapists: cohort.therapists.length,
    sessions: truth.length,
    minSessions: Math.min(...perClient),
    maxSessions: Math.max(...perClient),
    utterances: lengths.reduce((a, b) => a + b, 0),
    minUtterances: Math.min(...lengths),
    maxUtterances: Math.max(...lengths),
    ruptures: truth.filter((r) => r.rupture === 'yes').length,
    repaired: truth.filter((r) => r.repaired === 'yes').length,
    codedSessions: coders.length / DEMO_MODEL.coders.ids.length,
    observerReverse: forms.waiOs.items.filter((i) => i.reverse).map((i) => i.id),
  };

  mkdirSync(outDir, { recursive: true });
  const write = (name: (typeof DEMO_FILES)[number], text: string) => writeFileSync(join(outDir, name), text);
  write('transcripts.jsonl', `${transcripts.join('\n')}\n`);
  write('ground-truth.csv', toCsv(GROUND_TRUTH_COLUMNS, truth));
  write('markers.csv', toCsv(MARKER_COLUMNS, markers));
  write('wai-sr.csv', toCsv(['client', 'session', ...ids(forms.waiSr)], waiSr));
  write('srs.csv', toCsv(['client', 'session', ...ids(forms.srs)], srs));
  write('coders-wai-o-s.csv', toCsv(['client', 'session', 'coder', ...ids(forms.waiOs)], coders));
  write('README.md', renderReadme(summary));
  return summary;
}
