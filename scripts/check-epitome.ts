/**
 * npm run check:epitome -- PATH [--seed N] [--resamples N] [--json]
 *
 * Checks the lexicon rater against EPITOME (Sharma, Miner, Atkins & Althoff 2020, EMNLP: Reddit support posts and
 * responses with expert-trained levels 0–2 of emotional reactions, interpretations and explorations). PATH is the
 * folder with the three CSVs. Each (seeker post, response) pair is rated as a two-utterance exchange (the post as
 * the client, the response as the therapist). The script prints Spearman's ρ of the lexicon's scores with the sum
 * of the three empathy levels, and with each level, with seeded bootstrap intervals, next to response length.
 *
 * Figures are given for the held-out fold and the development folds separately. Pairs fall into five folds by a
 * hash of their ids; the markers were edited looking only at folds 1–4, so fold 0 is the honest figure.
 * EPITOME's licence is academic and non-commercial: the data stay where they are; nothing of them is written.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createRng, quantileSorted } from '@alliance-lab/core/stats';
import { spearman } from '@alliance-lab/core/stats';
import { readCsvRows } from '@alliance-lab/core';
import { loadRegistry, scoreView } from '@alliance-lab/instruments';
import { domainScores } from '@alliance-lab/raters';
import { loadMarkerFile } from '@alliance-lab/raters';
import { compileMarkers } from '@alliance-lab/raters';
import { rateWithLexicon } from '@alliance-lab/raters';
import { DOMAINS } from '@alliance-lab/raters';

const FILES = {
  emotional: 'emotional-reactions-reddit.csv',
  interpretations: 'interpretations-reddit.csv',
  explorations: 'explorations-reddit.csv',
} as const;
type Dim = keyof typeof FILES;
const FOLDS = 5;
const HELD_OUT = 0;

const usage = 'usage: npm run check:epitome -- PATH [--seed N] [--resamples N] [--json]   (PATH: the EPITOME folder)';
const args = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        seed: { type: 'string', default: '2026' },
        resamples: { type: 'string', default: '1000' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    return fail(2, `${(err as Error).message}\n${usage}`);
  }
})();
const [target] = args.positionals;
if (!target || args.positionals.length > 1) fail(2, usage);
const seed = Number(args.values.seed);
const resamples = Number(args.values.resamples);
if (!Number.isInteger(seed) || !Number.isInteger(resamples) || resamples < 100)
  fail(2, `--seed must be an integer and --resamples an integer of at least 100\n${usage}`);
const dir = resolve(target);
if (!existsSync(dir) || !statSync(dir).isDirectory()) fail(1, `${dir}: not found; give the EPITOME folder`);
for (const f of Object.values(FILES))
  if (!existsSync(join(dir, f)))
    fail(1, `${join(dir, f)}: not found; the EPITOME folder holds ${Object.values(FILES).join(', ')}`);

interface Pair {
  key: string;
  post: string;
  response: string;
  levels: Partial<Record<Dim, number>>;
}
const pairs = new Map<string, Pair>();
for (const dim of Object.keys(FILES) as Dim[]) {
  const file = join(dir, FILES[dim]);
  for await (const row of readCsvRows(file, { file })) {
    const v = row.values;
    if (v.sp_id === undefined || v.rp_id === undefined || v.level === undefined)
      fail(1, `${file}: expected the EPITOME columns sp_id, rp_id, seeker_post, response_post, level`);
    const level = Number(v.level);
    if (![0, 1, 2].includes(level)) fail(1, `${file}: line ${row.line}: level "${v.level}" is not 0, 1 or 2`);
    const key = `${v.sp_id}\u0000${v.rp_id}`;
    let p = pairs.get(key);
    if (!p) pairs.set(key, (p = { key, post: v.seeker_post ?? '', response: v.response_post ?? '', levels: {} }));
    // A pair listed twice in a file keeps its first level.
    if (p.levels[dim] === undefined) p.levels[dim] = level;
  }
}
const complete = [...pairs.values()].filter((p) => Object.keys(p.levels).length === 3);

const set = compileMarkers(loadMarkerFile());
const registry = loadRegistry();
const wai = registry.view('wai-o-s', 'observer');
const SCORES = [
  'relationship',
  'composite',
  'waiBond',
  'waiTotal',
  ...Object.keys(DOMAINS).map((d) => `domain:${d}`),
  'length',
] as const;
type Row = { fold: number; total: number; levels: Record<Dim, number>; scores: Record<string, number> };
const rows: Row[] = complete.map((p) => {
  const utterances = [
    { id: 'post', role: 'client' as const, text: p.post },
    { id: 'response', role: 'therapist' as const, text: p.response },
  ];
  const o = rateWithLexicon(set, utterances, [wai]);
  const d = domainScores(o.signals);
  const scored = scoreView(wai, Object.fromEntries(o.forms[0]!.items.map((it) => [it.item, it.value])), {
    continuous: true,
  }).scales;
  const scores: Record<string, number> = {
    relationship: d['relationship-quality'],
    composite: (d['relationship-quality'] + d['collaboration-goals']) / 2,
    waiBond: scored.bond!.score!,
    waiTotal: scored.total!.score!,
    length: p.response.split(/\s+/).filter(Boolean).length,
  };
  for (const k of Object.keys(DOMAINS) as Array<keyof typeof DOMAINS>) scores[`domain:${k}`] = d[k];
  const levels = p.levels as Record<Dim, number>;
  return {
    fold: hashOf(p.key) % FOLDS,
    total: levels.emotional + levels.interpretations + levels.explorations,
    levels,
    scores,
  };
});

interface Rho {
  rho: number | null;
  ci: [number, number] | null;
  n: number;
}
function rhoWithCi(x: number[], y: number[], rngSeed: number): Rho {
  const n = x.length;
  const est = safeRho(x, y);
  if (est === null) return { rho: null, ci: null, n };
  const rng = createRng(rngSeed);
  const boots: number[] = [];
  const bx = new Array<number>(n);
  const by = new Array<number>(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) {
      const k = Math.floor(rng.next() * n);
      bx[i] = x[k]!;
      by[i] = y[k]!;
    }
    const r = safeRho(bx, by);
    if (r !== null) boots.push(r);
  }
  boots.sort((a, b) => a - b);
  const ci: [number, number] | null =
    boots.length > 0 ? [r3(quantileSorted(boots, 0.025)), r3(quantileSorted(boots, 0.975))] : null;
  return { rho: r3(est), ci, n };
}

const subsets = {
  heldOut: rows.filter((r) => r.fold === HELD_OUT),
  development: rows.filter((r) => r.fold !== HELD_OUT),
  all: rows,
};
const result = Object.fromEntries(
  Object.entries(subsets).map(([name, rs]) => {
    const total = rs.map((r) => r.total);
    const withTotal = Object.fromEntries(
      SCORES.map((s) => [
        s,
        rhoWithCi(
          rs.map((r) => r.scores[s]!),
          total,
          seed,
        ),
      ]),
    );
    const byLevel = Object.fromEntries(
      (Object.keys(FILES) as Dim[]).map((dim) => [
        dim,
        {
          relationship: rhoWithCi(
            rs.map((r) => r.scores.relationship!),
            rs.map((r) => r.levels[dim]),
            seed,
          ),
          length: rhoWithCi(
            rs.map((r) => r.scores.length!),
            rs.map((r) => r.levels[dim]),
            seed,
          ),
        },
      ]),
    );
    const zero = rs.filter((r) => r.scores.relationship === 0).length;
    return [name, { pairs: rs.length, relationshipZero: r3(zero / Math.max(rs.length, 1)), withTotal, byLevel }];
  }),
);

const method = `Spearman's rho with the sum of the three EPITOME levels (0–6); 95% percentile bootstrap CI, ${resamples} resamples, seed ${seed}`;
if (args.values.json) {
  process.stdout.write(
    `${JSON.stringify({ pairs: rows.length, markers: { version: set.file.version, hash: set.hash }, method, folds: { count: FOLDS, heldOut: HELD_OUT }, ...result })}\n`,
  );
} else {
  console.log(
    `EPITOME: ${rows.length} post–response pairs; lexicon markers ${set.file.version} (${set.hash.slice(0, 12)}); ${method}`,
  );
  const label: Record<string, string> = {
    relationship: 'relationship-quality domain',
    composite: 'lexicon composite (relationship + collaboration)',
    waiBond: 'WAI-O-S bond scored from the lexicon items',
    waiTotal: 'WAI-O-S total scored from the lexicon items',
    length: 'response length alone (words)',
  };
  for (const [name, r] of Object.entries(result) as Array<[string, (typeof result)[string]]>) {
    const res = r as unknown as {
      pairs: number;
      relationshipZero: number;
      withTotal: Record<string, Rho>;
      byLevel: Record<Dim, Record<string, Rho>>;
    };
    console.log(
      `\n${name === 'heldOut' ? `held-out fold (${HELD_OUT} of ${FOLDS})` : name === 'development' ? 'development folds' : 'all pairs'}: ${res.pairs} pairs, relationship-quality exactly 0 for ${(res.relationshipZero * 100).toFixed(1)}%`,
    );
    for (const s of SCORES) console.log(`  ${(label[s] ?? s).padEnd(50)} ${fmt(res.withTotal[s]!)}`);
    for (const dim of Object.keys(FILES) as Dim[])
      console.log(
        `  ${`relationship-quality with ${dim} alone`.padEnd(50)} ${fmt(res.byLevel[dim].relationship!)}   (length ${fmt(res.byLevel[dim].length!)})`,
      );
  }
}

function fmt(r: Rho): string {
  if (r.rho === null) return 'undefined (no variation)';
  return `${r.rho.toFixed(3)}${r.ci ? `  [${r.ci[0].toFixed(3)}, ${r.ci[1].toFixed(3)}]` : ''}`;
}

function safeRho(x: number[], y: number[]): number | null {
  try {
    return spearman(x, y).r;
  } catch {
    return null;
  }
}

function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function fail(code: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}
