/**
 * npm run check:annomi -- PATH [--seed N] [--resamples N] [--folds N] [--unpunctuated] [--json]
 *
 * Checks the lexicon rater against AnnoMI (133 motivational-interviewing demonstration sessions labelled high or
 * low quality by experts). PATH is your copy's folder or its AnnoMI-simple.csv. The script imports the CSV into a
 * temporary study through the transcript CSV importer (the same path as `alliance import transcripts`), rates
 * every session with `lexicon`, and prints the AUC of the relationship and collaboration composites (and their
 * mean) and of the WAI-O-S total scored from the lexicon's items for high against low quality, with a seeded bootstrap interval,
 * next to the AUC of transcript length alone: a rater worth having must separate the groups better than counting utterances does.
 * The figures are given twice: in-sample (the shipped coder was trained on AnnoMI's codes) and held out (with
 * AnnoMI-full.csv beside the file, each session is rated with a coder re-trained without its fold). With
 * --unpunctuated every utterance is rated with its punctuation removed, as chat or speech recognition without
 * punctuation gives it. Nothing is kept: the temporary study is deleted at the end.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readCsvRows } from '@alliance-lab/core';
import { initStudy } from '@alliance-lab/core';
import { importTranscriptFiles } from '@alliance-lab/core';
import { aucWithCi, type AucResult, spearman } from '@alliance-lab/core/stats';
import { type FormView, loadRegistry, scoreView } from '@alliance-lab/instruments';
import { domainScores } from '@alliance-lab/raters';
import { UtteranceCoder } from '@alliance-lab/raters/coder';
import {
  fitHeads,
  foldsByTranscript,
  readAnnomi,
  readGuardsFile,
  withoutPunctuation,
} from '@alliance-lab/raters/coder';
import { loadMarkerFile } from '@alliance-lab/raters';
import { compileMarkers } from '@alliance-lab/raters';
import { rateWithLexicon } from '@alliance-lab/raters';
import { createLexiconRater } from '@alliance-lab/raters';
import type { RatableUtterance } from '@alliance-lab/raters';
import type { RaterOutput } from '@alliance-lab/raters';
import { loadTranscript, selectTranscripts } from '@alliance-lab/raters';
import { LexiconConfig } from '@alliance-lab/raters';

const FILE = 'AnnoMI-simple.csv';
/** Beside it, the per-annotator codes the utterance coder is trained from; needed for the held-out figure. */
const FULL = 'AnnoMI-full.csv';
const FOLDS = 5;
/** AnnoMI's columns mapped onto the importer's fields; the therapist and session number are not in the file. */
const COLUMNS = {
  client: 'transcript_id',
  speaker: 'interlocutor',
  text: 'utterance_text',
  start: 'timestamp',
  id: 'utterance_id',
};
const FORMS = ['wai-o-s:observer'];

const usage =
  'usage: npm run check:annomi -- PATH [--seed N] [--resamples N] [--folds N] [--unpunctuated] [--json]   (PATH: the AnnoMI folder or AnnoMI-simple.csv)';
let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      seed: { type: 'string', default: '2026' },
      folds: { type: 'string', default: String(FOLDS) },
      resamples: { type: 'string', default: '2000' },
      json: { type: 'boolean', default: false },
      unpunctuated: { type: 'boolean', default: false },
    },
  });
}
try {
  args = parse();
} catch (err) {
  fail(2, `${(err as Error).message}\n${usage}`);
}
const [target] = args.positionals;
if (!target || args.positionals.length > 1) fail(2, usage);
const seed = Number(args.values.seed);
const resamples = Number(args.values.resamples);
const folds = Number(args.values.folds);
if (!Number.isInteger(folds) || folds < 2) fail(2, `--folds must be an integer of at least 2\n${usage}`);
if (!Number.isInteger(seed) || !Number.isInteger(resamples) || resamples < 100)
  fail(2, `--seed must be an integer and --resamples an integer of at least 100\n${usage}`);

const csv = resolve(existsSync(target) && statSync(target).isDirectory() ? join(target, FILE) : target);
if (!existsSync(csv)) fail(1, `${csv}: not found; give the AnnoMI folder or the path of ${FILE}`);

const labels = await readLabels(csv);
const dir = mkdtempSync(join(tmpdir(), 'alliance-annomi-'));
try {
  const study = await initStudy(
    dir,
    { name: 'annomi-check', raters: { lexicon: { provider: 'lexicon', forms: FORMS } } },
    { actor: 'check-annomi' },
  );
  try {
    process.stderr.write(`importing ${csv} ...\n`);
    await importTranscriptFiles(study, {
      files: [csv],
      format: 'csv',
      columns: COLUMNS,
      meta: { therapist: 'T01', session: 1 },
    });
    const rater = createLexiconRater({
      name: 'lexicon',
      config: LexiconConfig.parse(study.config.raters.lexicon),
      studyDir: dir,
    });
    const forms = FORMS.map((f) => ({ instrument: f.split(':')[0]!, form: f.split(':')[1]! }));
    const waiView = loadRegistry().view('wai-o-s', 'observer');
    const rows: Array<{
      client: string;
      utterances: readonly RatableUtterance[];
      high: boolean;
      relationship: number;
      collaboration: number;
      composite: number;
      waiOS: number;
      length: number;
    }> = [];
    const refs = await selectTranscripts(study);
    process.stderr.write(`rating ${refs.length} sessions with lexicon (${rater.prompt.version}) ...\n`);
    for (const ref of refs) {
      const client = ref.sessionId.split('/')[0]!;
      const quality = labels.get(client);
      if (quality === undefined) continue;
      const loaded = await loadTranscript(study, ref);
      const t = args.values.unpunctuated
        ? { ...loaded, utterances: loaded.utterances.map((u) => ({ ...u, text: withoutPunctuation(u.text) })) }
        : loaded;
      const { output } = await rater.rate({ transcript: t, forms, replicate: 1 });
      const o = output as RaterOutput;
      const d = domainScores(o.signals);
      // The WAI-O-S total as the instruments' scoring engine computes it (reverse keying included).
      const waiOS = scoreView(waiView, Object.fromEntries(o.forms[0]!.items.map((it) => [it.item, it.value])), {
        continuous: true,
      }).scales.total!.score!;
      const relationship = d['relationship-quality'];
      const collaboration = d['collaboration-goals'];
      rows.push({
        client,
        utterances: t.utterances,
        high: quality === 'high',
        relationship,
        collaboration,
        composite: (relationship + collaboration) / 2,
        waiOS,
        length: t.utterances.length,
      });
    }
    const results = aucs(rows);
    const heldOut = await heldOutAucs(rows, waiView);
    if (args.values.json) {
      process.stdout.write(
        `${JSON.stringify({ sessions: rows.length, unpunctuated: args.values.unpunctuated, markers: { version: rater.prompt.version, hash: rater.prompt.hash }, auc: results, heldOut: heldOut && { folds: heldOut.folds, auc: heldOut.auc, lengthAdjusted: lengthAdjusted(heldOut.rows, seed, resamples) } })}\n`,
      );
    } else {
      const n = results.composite;
      console.log(
        `AnnoMI: ${rows.length} sessions, ${n.nPositive} high and ${n.nNegative} low quality; lexicon markers ${rater.prompt.version} (${rater.prompt.hash.slice(0, 12)})${args.values.unpunctuated ? '; every utterance rated with its punctuation removed' : ''}`,
      );
      console.log(`AUC for high vs low quality, ${n.method}, ${Math.round(n.level * 100)}% CI:`);
      const label: Record<keyof typeof results, string> = {
        relationship: 'relationship composite (relationship-quality domain)',
        collaboration: 'collaboration composite (collaboration-goals domain)',
        composite: 'lexicon composite (mean of the two)',
        waiOS: 'WAI-O-S total scored from the lexicon item ratings',
        length: 'transcript length alone (utterances)',
      };
      const print = (rs: Results) => {
        for (const k of Object.keys(rs) as Array<keyof Results>) {
          const r = rs[k];
          console.log(
            `  ${label[k].padEnd(54)} ${r.estimate.toFixed(3)}  [${r.ci[0].toFixed(3)}, ${r.ci[1].toFixed(3)}]`,
          );
        }
      };
      console.log('in-sample (the shipped coder was trained on every AnnoMI transcript):');
      print(results);
      if (heldOut) {
        console.log(
          `held out (${heldOut.folds} folds grouped by transcript: each session rated with a coder trained without its fold; the markers are hand-written, not fitted):`,
        );
        print(heldOut.auc);
        const adj = lengthAdjusted(heldOut.rows, seed, resamples);
        console.log(
          `  ${'composite with length partialled out (residual on log utterances)'.padEnd(54)} ${adj.auc.estimate.toFixed(3)}  [${adj.auc.ci[0].toFixed(3)}, ${adj.auc.ci[1].toFixed(3)}]   (Spearman ρ of the composite with length ${adj.rho.toFixed(3)})`,
        );
      } else console.log(`held out: skipped, ${FULL} is not beside ${FILE}`);
    }
  } finally {
    await study.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

type Row = {
  high: boolean;
  relationship: number;
  collaboration: number;
  composite: number;
  waiOS: number;
  length: number;
};
type Results = Record<'relationship' | 'collaboration' | 'composite' | 'waiOS' | 'length', AucResult>;

function aucs(rows: readonly Row[]): Results {
  const high = rows.map((r) => r.high);
  const opts = { seed, resamples };
  const of = (k: keyof Results) =>
    aucWithCi(
      rows.map((r) => r[k]),
      high,
      opts,
    );
  return {
    relationship: of('relationship'),
    collaboration: of('collaboration'),
    composite: of('composite'),
    waiOS: of('waiOS'),
    length: of('length'),
  };
}

/**
 * The same AUCs with nothing fitted on the session being rated: transcripts fall into folds (the coder's
 * training folds, by the same seed), and each fold's sessions are rated with a coder trained on the other
 * folds' expert codes only.
 */
async function heldOutAucs(
  rows: ReadonlyArray<Row & { client: string; utterances: readonly RatableUtterance[] }>,
  view: FormView,
): Promise<{ folds: number; auc: Results; rows: Row[] } | null> {
  const full = join(dirname(csv), FULL);
  if (!existsSync(full)) return null;
  process.stderr.write(`held out: training the coder on ${folds} folds of ${full} ...\n`);
  const transcripts = await readAnnomi(full);
  const foldOf = foldsByTranscript(
    transcripts.map((t) => t.id),
    folds,
    seed,
  );
  const set = compileMarkers(loadMarkerFile());
  // The shipped reflection guards run with every fold's coder, as they run with the shipped one.
  const { guards } = readGuardsFile();
  const out: Row[] = [];
  for (let f = 0; f < folds; f++) {
    const coder = new UtteranceCoder(fitHeads(transcripts.filter((t) => foldOf.get(t.id) !== f)), `fold-${f}`, guards);
    for (const r of rows) {
      if (foldOf.get(r.client) !== f) continue;
      const o = rateWithLexicon(set, r.utterances, [view], coder);
      const d = domainScores(o.signals);
      const waiOS = scoreView(view, Object.fromEntries(o.forms[0]!.items.map((it) => [it.item, it.value])), {
        continuous: true,
      }).scales.total!.score!;
      const relationship = d['relationship-quality'];
      const collaboration = d['collaboration-goals'];
      out.push({
        high: r.high,
        relationship,
        collaboration,
        composite: (relationship + collaboration) / 2,
        waiOS,
        length: r.length,
      });
    }
  }
  if (out.length !== rows.length) fail(1, `${full}: ${rows.length - out.length} sessions of ${FILE} are not in it`);
  return { folds, auc: aucs(out), rows: out };
}

/**
 * A composite that merely grew with the session would separate the groups as length does. This regresses the
 * composite on log length and scores the residual: what the composite knows beyond how long the session is.
 */
function lengthAdjusted(rows: readonly Row[], seed: number, resamples: number): { auc: AucResult; rho: number } {
  const x = rows.map((r) => Math.log(r.length));
  const y = rows.map((r) => r.composite);
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  const b = sxx === 0 ? 0 : sxy / sxx;
  const residual = y.map((v, i) => v - b * (x[i]! - mx));
  return {
    auc: aucWithCi(
      residual,
      rows.map((r) => r.high),
      { seed, resamples },
    ),
    rho: spearman(y, x).r,
  };
}

/** The expert label per transcript id; it is constant within a transcript, so the first row decides. */
async function readLabels(file: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const row of readCsvRows(file, { file })) {
    const id = row.values.transcript_id;
    const q = row.values.mi_quality;
    if (id === undefined || q === undefined)
      fail(1, `${file}: expected the AnnoMI columns transcript_id and mi_quality`);
    if (!out.has(id)) out.set(id, q);
  }
  return out;
}

function fail(code: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}
