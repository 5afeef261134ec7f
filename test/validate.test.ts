import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStudy, parseCsv, queryScores, responseItems } from '@alliance-lab/core';
import { main } from '@alliance-lab/cli';
import { cohenKappa, createRng, fitLmm, quantileSorted, rmcorr, withinBetween } from '@alliance-lab/core/stats';
import { latestValidationRun } from '@alliance-lab/core';
import type { ValidationResult } from '@alliance-lab/raters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAltMarkers } from '../scripts/demo/rating-steps';
import { storeKinds, useStore } from './support/stores';

describe.each(storeKinds)('alliance validate on %s', (kind) => {
  useStore(kind, { shared: true });
  const DATA = fileURLToPath(new URL('../datasets/demo/', import.meta.url));
  const TEMPLATE = fileURLToPath(new URL('../studies/demo', import.meta.url));
  const CLIENTS = ['C01', 'C02', 'C03', 'C04', 'C05', 'C06', 'C07', 'C08'];
  const parent = mkdtempSync(join(tmpdir(), 'validate-'));
  const study = join(parent, 'study');
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  async function alliance(args: string[]): Promise<Record<string, unknown>> {
    let out = '';
    let err = '';
    const code = await main([...args, '--json'], {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s), isTTY: false },
    });
    if (code !== 0) throw new Error(`alliance ${args.join(' ')} exited ${code}: ${err}`);
    return JSON.parse(out) as Record<string, unknown>;
  }

  /** The first eight clients of a demo file: a small seeded study that still has coders, ruptures and therapists. */
  function subset(file: string): string {
    const lines = readFileSync(join(DATA, file), 'utf8').trimEnd().split('\n');
    const keep = file.endsWith('.jsonl')
      ? lines.filter((l) => CLIENTS.includes((JSON.parse(l) as { client: string }).client))
      : [lines[0]!, ...lines.slice(1).filter((l) => CLIENTS.includes(l.split(',')[0]!))];
    const path = join(parent, 'data', file);
    writeFileSync(path, `${keep.join('\n')}\n`);
    return path;
  }

  /** The `stats` command's JSON with the CSV's name taken out, to compare with validate's object for the study. */
  const withoutFile = (o: unknown) => {
    const { file: _f, ...rest } = o as Record<string, unknown>;
    return rest;
  };

  let result: ValidationResult;

  beforeAll(async () => {
    mkdirSync(join(parent, 'data'));
    await alliance(['init', study, '--from', TEMPLATE]);
    await alliance(['import', 'transcripts', '--study', study, subset('transcripts.jsonl')]);
    for (const [instrument, form, file] of [
      ['wai-sr', 'client', 'wai-sr.csv'],
      ['srs', 'client', 'srs.csv'],
      ['wai-o-s', 'observer', 'coders-wai-o-s.csv'],
    ] as const)
      await alliance([
        'import',
        'responses',
        '--study',
        study,
        '--instrument',
        instrument,
        '--form',
        form,
        subset(file),
      ]);
    await alliance(['rate', '--study', study, '--rater', 'lexicon']);
    await alliance(['code', '--study', study, '--out', join(parent, 'codes.csv')]);
    writeAltMarkers(study);
    await alliance(['rate', '--study', study, '--rater', 'lexicon-alt', '--replicates', '2']);
    result = (await alliance([
      'validate',
      '--study',
      study,
      '--bootstrap',
      '200',
      '--seed',
      '7',
      '--ground-truth',
      join(DATA, 'ground-truth.csv'),
      '--out',
      join(parent, 'report.html'),
    ])) as unknown as ValidationResult;
    await alliance([
      'validate',
      '--study',
      study,
      '--bootstrap',
      '50',
      '--out',
      join(parent, 'shareable.html'),
      '--shareable',
    ]);
  }, 120_000);

  describe('alliance validate on a small seeded study', () => {
    it('prints the shape of the issue, and stores the run', async () => {
      expect(Object.keys(result)).toEqual(
        expect.arrayContaining(['study', 'criterion', 'generatedAt', 'software', 'coders', 'raters']),
      );
      const r = result.raters[0]!;
      expect(r.rater).toBe('lexicon');
      expect(Object.keys(r)).toEqual(
        expect.arrayContaining([
          'completion',
          'replicates',
          'vsCoders',
          'vsSelfReport',
          'baselines',
          'incremental',
          'ruptures',
          'divergence',
        ]),
      );
      const sessions = readFileSync(join(parent, 'data', 'transcripts.jsonl'), 'utf8')
        .trim()
        .split('\n').length;
      expect(r.completion).toMatchObject({ rated: sessions, failed: 0, failures: [] });
      expect(r.replicates).toBeNull();
      expect(result.raters.map((x) => x.rater)).toEqual(['lexicon', 'lexicon-alt']);
      expect(r.vsCoders.map((v) => v.coder)).toEqual(['K1', 'K2', 'mean']);
      const s = await openStudy(study);
      try {
        const run = await latestValidationRun(s.db);
        // The latest run is the second one (the shareable report, 50 resamples); it holds the JSON as printed.
        if (!run) throw new Error('no validation run stored');
        const stored = run.result as unknown as ValidationResult;
        expect(run.raters).toEqual(['lexicon', 'lexicon-alt']);
        expect(stored.settings.bootstrap.resamples).toBe(50);
        expect(stored.raters[0]!.vsCoders).toEqual(JSON.parse(JSON.stringify(result.raters[0]!.vsCoders)));
      } finally {
        await s.close();
      }
    });

    it("gives the coders' and each coder's ICC and alpha exactly as `stats icc` and `stats alpha` compute them on the export", async () => {
      const coders = join(parent, 'coders.csv');
      await alliance([
        'export',
        'scores',
        '--study',
        study,
        '--instrument',
        'wai-o-s',
        '--scale',
        'total',
        '--rater',
        'K1,K2',
        '--out',
        coders,
      ]);
      const args = ['--in', coders, '--subject', 'session_id', '--rater', 'rater', '--value', 'score'];
      expect(withoutFile(result.coders!.icc)).toEqual(withoutFile(await alliance(['stats', 'icc', ...args])));
      expect(withoutFile(result.coders!.alpha)).toEqual(withoutFile(await alliance(['stats', 'alpha', ...args])));

      const pair = join(parent, 'lexicon-k1.csv');
      await alliance([
        'export',
        'scores',
        '--study',
        study,
        '--instrument',
        'wai-o-s',
        '--scale',
        'total',
        '--rater',
        'lexicon,K1',
        '--out',
        pair,
      ]);
      const a = ['--in', pair, '--subject', 'session_id', '--rater', 'rater', '--value', 'score'];
      const k1 = result.raters[0]!.vsCoders[0]!;
      // The export lists K1 before lexicon, validate puts the rater first: the same ICC either way round.
      const icc = (await alliance(['stats', 'icc', ...a])) as Record<string, { icc: number }>;
      expect((k1.icc as Record<string, { icc: number }>).ICC2!.icc).toBeCloseTo(icc.ICC2!.icc, 12);
      expect((k1.icc as Record<string, { icc: number }>).ICC3!.icc).toBeCloseTo(icc.ICC3!.icc, 12);
      expect(k1.icc!.n).toBe(icc.n);
      const alpha = await alliance(['stats', 'alpha', ...a]);
      expect((k1.alpha as { alpha: number }).alpha).toBeCloseTo((alpha as { alpha: number }).alpha, 12);
    });

    it('gives rmcorr and the between-client r as `stats rmcorr` and `stats corr` on the wide totals', async () => {
      const totals = join(parent, 'totals.csv');
      await alliance(['export', 'scores', '--study', study, '--wide', '--scale', 'total', '--out', totals]);
      const v = result.raters[0]!.vsSelfReport.find(
        (x) => x.rater.scale === 'total' && x.selfReport.instrument === 'wai-sr',
      )!;
      const cols = [
        '--in',
        totals,
        '--subject',
        'client',
        '--x',
        'lexicon_wai_o_s_observer_total',
        '--y',
        'client_wai_sr_client_total',
      ];
      // POMP is a linear function of the score, so the correlations on scores are those on POMP; the export writes
      // scores to 10 significant digits, hence 1e-8.
      const rm = (await alliance(['stats', 'rmcorr', ...cols])) as Record<string, unknown>;
      const mine = v.rmcorr as Record<string, unknown>;
      for (const k of ['df', 'n', 'subjects', 'method']) expect(mine[k]).toEqual(rm[k]);
      expect(mine.r as number).toBeCloseTo(rm.r as number, 8);
      expect((mine.ci95 as number[])[0]).toBeCloseTo((rm.ci95 as number[])[0]!, 8);
      const corr = (await alliance(['stats', 'corr', ...cols])) as { between: Record<string, unknown> };
      expect(v.between!.r as number).toBeCloseTo(corr.between.r as number, 8);
      expect(v.between!.df).toBe(corr.between.df);
      expect(v.n).toEqual({ sessions: rm.n, clients: rm.subjects });
    });

    it('fits the lmm, Bland–Altman and kappa as the statistics functions do on the POMP and item values', async () => {
      const s = await openStudy(study);
      try {
        const rows = await queryScores(s.db, { scale: 'total' });
        const by = (source: string, rater: string, instrument: string) =>
          new Map(
            rows
              .filter((r) => r.source === source && r.rater === rater && r.instrument === instrument && r.pomp !== null)
              .map((r) => [r.session_id, r]),
          );
        const lex = by('rater', 'lexicon', 'wai-o-s');
        const sr = by('self-report', 'client', 'wai-sr');
        const ids = [...lex.keys()].filter((id) => sr.has(id));
        const fit = fitLmm(
          {
            selfReport: ids.map((id) => sr.get(id)!.pomp),
            rater: ids.map((id) => lex.get(id)!.pomp),
            client: ids.map((id) => lex.get(id)!.client),
            therapist: ids.map((id) => lex.get(id)!.therapist),
          },
          'selfReport ~ rater + (1 | client) + (1 | therapist)',
        );
        const v = result.raters[0]!.vsSelfReport.find(
          (x) => x.rater.scale === 'total' && x.selfReport.instrument === 'wai-sr',
        )!;
        const { ranef: _r, ...rest } = fit;
        expect(withoutFile(v.lmm)).toEqual(JSON.parse(JSON.stringify(rest)));

        const k1 = by('coder', 'K1', 'wai-o-s');
        const both = [...lex.keys()].filter((id) => k1.has(id));
        const { blandAltman } = await import('@alliance-lab/core/stats');
        const ba = blandAltman(
          both.map((id) => lex.get(id)!.pomp!),
          both.map((id) => k1.get(id)!.pomp!),
        );
        expect(withoutFile(result.raters[0]!.vsCoders[0]!.blandAltman)).toEqual(
          JSON.parse(JSON.stringify({ ...ba, excluded: lex.size - both.length })),
        );

        // Kappa of item 1: the rater's first replicate against K1's stored item values.
        const items = (await responseItems(s.db, { instrument: 'wai-o-s', form: 'observer' })).filter(
          (r) => r.respondent === 'K1',
        );
        const { listRatings } = await import('@alliance-lab/core');
        const ratings = await listRatings(s.db, { rater: 'lexicon' });
        const raterItem = new Map(ratings.map((g) => [g.sessionId, g.forms[0]!.items['1'] ?? null]));
        const coded = items.filter((i) => raterItem.has(i.sessionId));
        const kappa = cohenKappa(
          coded.map((i) => raterItem.get(i.sessionId)!),
          coded.map((i) => i.items['1'] ?? null),
          { weights: 'quadratic' },
        );
        const item1 = result.raters[0]!.vsCoders[0]!.kappa!.find((k) => k.item === '1')!;
        expect(withoutFile(item1.kappa)).toEqual(JSON.parse(JSON.stringify({ ...kappa, raters: ['lexicon', 'K1'] })));
      } finally {
        await s.close();
      }
    });

    it('checks the cluster bootstrap against a resampling of clients done here, with the same generator and seed', () => {
      const v = result.raters[0]!.vsSelfReport.find(
        (x) => x.rater.scale === 'total' && x.selfReport.instrument === 'wai-sr',
      )!;
      return (async () => {
        const s = await openStudy(study);
        try {
          const rows = await queryScores(s.db, { scale: 'total' });
          const pick = (source: string, rater: string, instrument: string) =>
            new Map(
              rows
                .filter(
                  (r) => r.source === source && r.rater === rater && r.instrument === instrument && r.pomp !== null,
                )
                .map((r) => [r.session_id, r]),
            );
          const lex = pick('rater', 'lexicon', 'wai-o-s');
          const sr = pick('self-report', 'client', 'wai-sr');
          const ids = [...lex.keys()].filter((id) => sr.has(id));
          const clients = [...new Set(ids.map((id) => lex.get(id)!.client))];
          const rng = createRng(7);
          const rms: number[] = [];
          const betweens: number[] = [];
          for (let b = 0; b < 200; b++) {
            const draw = clients.map(() => clients[rng.int(clients.length)]!);
            const subject: string[] = [];
            const x: number[] = [];
            const y: number[] = [];
            draw.forEach((c, j) => {
              for (const id of ids)
                if (lex.get(id)!.client === c) {
                  subject.push(`draw${j}`);
                  x.push(lex.get(id)!.pomp!);
                  y.push(sr.get(id)!.pomp!);
                }
            });
            rms.push(rmcorr({ subject, x, y }).r);
            betweens.push(withinBetween({ subject, x, y }).between.r!);
          }
          const ci = (v: number[]) => {
            v.sort((a, b) => a - b);
            return [quantileSorted(v, 0.025), quantileSorted(v, 0.975)];
          };
          const mine = v.bootstrapCi95!;
          expect(mine.resamples).toBe(200);
          expect(mine.seed).toBe(7);
          expect(mine.rmcorr![0]).toBeCloseTo(ci(rms)[0]!, 10);
          expect(mine.rmcorr![1]).toBeCloseTo(ci(rms)[1]!, 10);
          expect(mine.between![0]).toBeCloseTo(ci(betweens)[0]!, 10);
          expect(mine.between![1]).toBeCloseTo(ci(betweens)[1]!, 10);
        } finally {
          await s.close();
        }
      })();
    });

    it("sets the coder's stored codes, summarised per session as MITI does, beside the criterion", async () => {
      expect(result.coded.map((c) => `${c.coder} ${c.summary}`)).toEqual(
        ['rq-ratio', 'complex-reflection-share', 'open-question-share', 'change-talk-share'].map(
          (x) => `annomi-coder-1 ${x}`,
        ),
      );
      const s = await openStudy(study);
      try {
        const codes = await s.db
          .selectFrom('utterance_codes as c')
          .innerJoin('transcripts as t', 't.id', 'c.transcript_id')
          .select(['t.session_id', 'c.code', 'c.subcode'])
          .execute();
        const count = (id: string, code: string, subcode?: string) =>
          codes.filter((c) => c.session_id === id && c.code === code && (!subcode || c.subcode === subcode)).length;
        const definitions: Record<string, (id: string) => [number, number]> = {
          'rq-ratio': (id) => [count(id, 'reflection'), count(id, 'question')],
          'complex-reflection-share': (id) => [count(id, 'reflection', 'complex'), count(id, 'reflection')],
          'open-question-share': (id) => [count(id, 'question', 'open'), count(id, 'question')],
          'change-talk-share': (id) => [count(id, 'change'), count(id, 'change') + count(id, 'sustain')],
        };
        const sr = (await queryScores(s.db, { instrument: 'wai-sr', scale: 'total', sources: ['self-report'] })).filter(
          (r) => r.pomp !== null,
        );
        for (const c of result.coded) {
          const ids = sr.filter((r) => definitions[c.summary]!(r.session_id)[1] > 0);
          const rm = rmcorr({
            subject: ids.map((r) => r.client),
            x: ids.map((r) => {
              const [num, den] = definitions[c.summary]!(r.session_id);
              return num / den;
            }),
            y: ids.map((r) => r.pomp!),
          });
          expect(c.rmcorr!.r as number, c.summary).toBeCloseTo(rm.r, 12);
          expect(c.n, c.summary).toEqual({ sessions: rm.n, clients: rm.subjects });
        }
      } finally {
        await s.close();
      }
      const html = readFileSync(join(parent, 'report.html'), 'utf8');
      expect(html).toContain('coded rq-ratio: rmcorr with wai-sr:client total');
      expect(html).toMatch(/stored codes \(annomi-coder-1\)/);
    });

    it('counts baseline words as whitespace tokens of the transcript and correlates them as `stats rmcorr` does', () => {
      const transcripts = readFileSync(join(parent, 'data', 'transcripts.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { client: string; session: number; utterances: Array<{ text: string }> });
      const words = new Map(
        transcripts.map((t) => [
          `${t.client}/${t.session}`,
          t.utterances.reduce((s, u) => s + u.text.split(/\s+/).filter(Boolean).length, 0),
        ]),
      );
      const wai = parseCsv(readFileSync(join(parent, 'data', 'wai-sr.csv'), 'utf8'));
      expect(wai.length).toBeGreaterThan(1);
      const b = result.raters[0]!.baselines.find((x) => x.baseline === 'words')!;
      expect(b.rmcorr!.n).toBeGreaterThan(0);
      return (async () => {
        const s = await openStudy(study);
        try {
          const sr = (
            await queryScores(s.db, { instrument: 'wai-sr', scale: 'total', sources: ['self-report'] })
          ).filter((r) => r.pomp !== null);
          const ids = sr.filter((r) => words.has(r.session_id));
          const rm = rmcorr({
            subject: ids.map((r) => r.client),
            x: ids.map((r) => words.get(r.session_id)!),
            y: ids.map((r) => r.pomp!),
          });
          expect(b.rmcorr!.r as number).toBeCloseTo(rm.r, 12);
          expect(b.rmcorr!.n).toBe(rm.n);
        } finally {
          await s.close();
        }
      })();
    });

    it('compares the rater with the simulator ground truth', () => {
      const g = result.raters[0]!.groundTruth!;
      expect(typeof g.rmcorr!.r).toBe('number');
      expect(g.ruptures.episodes.selfReport).toBeGreaterThan(0);
    });

    it('gives the replicate ICC as `stats icc` computes it on the sessions × runs matrix, and projects it by Spearman–Brown', async () => {
      const alt = result.raters[1]!;
      const s = await openStudy(study);
      try {
        const rows = (await queryScores(s.db, { raters: ['lexicon-alt'], scale: 'total' })).filter(
          (r) => r.score !== null,
        );
        const runs = join(parent, 'runs.csv');
        writeFileSync(
          runs,
          `subject,rater,value\n${rows.map((r) => `${r.session_id},r${r.replicate},${r.score}`).join('\n')}\n`,
        );
        const cmd = await alliance(['stats', 'icc', '--in', runs]);
        expect(withoutFile(alt.replicates!.icc)).toEqual(withoutFile(cmd));
        const icc2 = (cmd.ICC2 as { icc: number | null }).icc;
        expect(alt.replicates!.projection.map((p) => p.k)).toEqual([1, 2, 3, 4, 5]);
        if (icc2 !== null) expect(alt.replicates!.projection[2]!.icc).toBeCloseTo((3 * icc2) / (1 + 2 * icc2), 12);
        expect(alt.replicates!.items.length).toBe(12);
        expect(alt.replicates!.domains.length).toBe(5);
      } finally {
        await s.close();
      }
    });

    it('writes a self-contained report: charts as inline SVG, no script, no address to fetch, quotes highlighted', () => {
      const html = readFileSync(join(parent, 'report.html'), 'utf8');
      expect(html).not.toMatch(/<script/i);
      // The only URLs are SVG namespace names, which are never fetched.
      const urls = [...html.matchAll(/https?:\/\/[^"'\s)<]+/g)].map((m) => m[0]);
      expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']));
      for (const id of ['trajectories', 'within', 'between', 'bland-altman', 'forest', 'projection', 'heatmap'])
        expect(html).toMatch(new RegExp(`<figure id="chart-${id}" class="chart"><figcaption>[^<]*</figcaption><svg`));
      expect(html).toContain('<mark>');
      for (const cite of ['Shrout', 'McGraw', 'Bakdash', 'Krippendorff', 'Bland', 'Bates', 'Kuznetsova'])
        expect(html).toContain(cite);
      expect(html).toContain('ICC(2,1) (two-way random effects, absolute agreement, single rater');
    });

    it('gives every figure its n of clients and sessions and its method, and the summary table those columns', () => {
      type Figure = { n: { clients: number; sessions: number }; method: string };
      const figures: Array<[string, Figure]> = [['coders', result.coders as unknown as Figure]];
      result.coded.forEach((f, i) => figures.push([`coder coded ${i}`, f as unknown as Figure]));
      for (const r of result.raters) {
        const add = (kind: string, list: readonly unknown[]) =>
          list.forEach((f, i) => figures.push([`${r.rater} ${kind} ${i}`, f as Figure]));
        if (r.replicates) {
          add('replicates', [r.replicates]);
          add('replicate scale', r.replicates.scales);
          add('replicate item', r.replicates.items);
          add('replicate domain', r.replicates.domains);
        }
        add('vsCoders', r.vsCoders);
        add('vsSelfReport', r.vsSelfReport);
        add('baselines', r.baselines);
        add('incremental', r.incremental);
        add('ruptures', [r.ruptures]);
        if (r.groundTruth) add('groundTruth', [r.groundTruth]);
      }
      const kinds = new Set(figures.map(([k]) => k.replace(/^\S+ | \d+$/g, '')));
      for (const k of [
        'vsCoders',
        'vsSelfReport',
        'baselines',
        'incremental',
        'ruptures',
        'replicates',
        'coders',
        'coded',
      ])
        expect(kinds).toContain(k);
      for (const [label, f] of figures) {
        expect(typeof f.method, label).toBe('string');
        expect(f.method.length, label).toBeGreaterThan(20);
        expect(Number.isInteger(f.n.clients) && Number.isInteger(f.n.sessions), label).toBe(true);
        expect(f.n.sessions, label).toBeGreaterThan(0);
        expect(f.n.clients, label).toBeGreaterThan(0);
        expect(f.n.clients, label).toBeLessThanOrEqual(f.n.sessions);
      }
      // The n beside a stats-shaped object is the sample that object was computed on.
      const r = result.raters[0]!;
      for (const v of r.vsCoders.filter((x) => x.coder !== 'mean'))
        expect(v.n.sessions).toBe((v.icc as { n: number }).n);
      for (const b of r.baselines) expect(b.n).toEqual({ sessions: b.rmcorr!.n, clients: b.rmcorr!.subjects });
      for (const i of r.incremental)
        expect(i.n).toEqual({ sessions: i.partialRmcorr!.n, clients: i.partialRmcorr!.subjects });
      const alt = result.raters[1]!.replicates!;
      expect(alt.n.sessions).toBe((alt.icc as { n: number }).n);

      const html = readFileSync(join(parent, 'report.html'), 'utf8');
      const table = html.match(/<table><thead><tr><th>rater<\/th><th>statistic<\/th>[\s\S]*?<\/table>/)![0];
      expect(table).toContain('<th>estimate</th><th>95% CI</th><th>n</th><th>method</th>');
      const rows = [...table.matchAll(/<tr><td>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!.split('</td><td>'));
      expect(rows.length).toBeGreaterThan(10);
      for (const cells of rows) {
        expect(cells).toHaveLength(6);
        expect(cells[4]).toMatch(/\d+ (clients|sessions)/);
        expect(cells[5]!.replace(/<\/td>$/, '').length).toBeGreaterThan(0);
      }
    });

    it('--shareable leaves out every utterance of the study, every quote and rationale, and every date', () => {
      const html = readFileSync(join(parent, 'shareable.html'), 'utf8');
      const transcripts = readFileSync(join(parent, 'data', 'transcripts.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { date?: string; utterances: Array<{ text: string }> });
      const escaped = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      const leaked = transcripts
        .flatMap((t) => t.utterances.map((u) => u.text))
        .filter((t) => html.includes(t) || html.includes(escaped(t)));
      expect(leaked).toEqual([]);
      for (const t of transcripts) if (t.date) expect(html).not.toContain(t.date);
      expect(html).not.toContain('<mark>');
      expect(html).toMatch(/day \d+/);
    });
  });
});
