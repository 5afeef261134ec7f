import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { storeTestRating, storeTestTranscript } from '../../../store/test-ratings';
import { tempDir } from '../../../../../../test/support/temp-dir';
import type { Score } from '../../../schemas/score';
import { upsertResponse } from '../../../store/responses';
import { ensureSession } from '../../../store/sessions';
import { initStudy } from '../../../store/study';
import { runCore as main } from '../testing';
import { storeKinds, useStore } from '../../../../../../test/support/stores';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
  });
  return { code, stdout, stderr };
}

async function json(argv: string[]): Promise<Record<string, unknown>> {
  const r = await run([...argv, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** The result without where it was read from, which is all that may differ between --in and --study. */
function numbers(d: Record<string, unknown>, drop: string[] = []): Record<string, unknown> {
  const { file: _file, ...rest } = d;
  for (const k of drop) delete rest[k];
  return rest;
}

// The statistics read a study through the store's score reads; the same numbers come from either store.
describe.each(storeKinds)('stats --study on %s', (kind) => {
  useStore(kind, { shared: true });
  const root = tempDir(`stats-study-${kind}-`);
  const dir = join(root, 'study');
  const wideObserver = join(root, 'wide-observer.csv');
  const wideAll = join(root, 'wide-all.csv');
  const longCoders = join(root, 'long-coders.csv');
  const longObserver = join(root, 'long-observer.csv');

  const score = (instrument: string, form: string, scale: string, value: number): Score => ({
    instrument,
    form,
    scale,
    score: value,
    pomp: null,
    prorated: false,
    missing: false,
  });

  /**
   * Six clients of two therapists, four sessions each: the client's WAI-SR, two coders' WAI-O-S (total and bond;
   * K2 misses one session) and the lexicon rater's WAI-O-S in two replicates, all following one seeded alliance.
   */
  async function seed(): Promise<void> {
    const study = await initStudy(dir, { name: 'S' }, { actor: 'test' });
    let state = 7;
    const noise = () => {
      state = (state * 48271) % 2147483647;
      return (state % 3) - 1;
    };
    try {
      for (let c = 1; c <= 6; c++) {
        const client = `C${c}`;
        for (let session = 1; session <= 4; session++) {
          const sessionId = await ensureSession(study.db, { client, therapist: c <= 3 ? 'T1' : 'T2', session });
          const alliance = 2 + (c % 4) + (session % 3);
          await upsertResponse(
            study.db,
            'test',
            { sessionId, instrument: 'wai-sr', form: 'client', respondent: 'client', items: { '1': 1 } },
            [{ scale: 'total', score: alliance + noise() + session / 4, pomp: null, prorated: false, missing: false }],
          );
          for (const coder of ['K1', 'K2']) {
            if (coder === 'K2' && client === 'C3' && session === 2) continue;
            await upsertResponse(
              study.db,
              'test',
              { sessionId, instrument: 'wai-o-s', form: 'observer', respondent: coder, items: { '1': 1 } },
              [
                { scale: 'total', score: alliance + noise(), pomp: null, prorated: false, missing: false },
                { scale: 'bond', score: alliance + noise(), pomp: null, prorated: false, missing: false },
              ],
            );
          }
          await storeTestTranscript(study.db, sessionId);
          for (const replicate of [1, 2]) {
            const value = alliance + noise();
            await storeTestRating(study, {
              sessionId,
              replicate,
              forms: [{ instrument: 'wai-o-s', form: 'observer', items: { '1': value } }],
              scores: [score('wai-o-s', 'observer', 'total', value)],
            });
          }
        }
      }
    } finally {
      await study.close();
    }
  }

  const exportTo = async (out: string, args: string[]) => {
    const r = await run(['export', 'scores', '--study', dir, '--out', out, ...args]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  };

  beforeAll(async () => {
    await seed();
    const observer = ['--instrument', 'wai-o-s', '--form', 'observer', '--scale', 'total'];
    await exportTo(wideObserver, [...observer, '--wide']);
    await exportTo(wideAll, ['--scale', 'total', '--wide']);
    await exportTo(longCoders, [...observer, '--rater', 'K1,K2']);
    await exportTo(longObserver, observer);
  });

  const OBSERVER = ['--study', dir, '--instrument', 'wai-o-s', '--form', 'observer', '--scale', 'total'];
  const COLUMNS = {
    K1: 'k1_wai_o_s_observer_total',
    K2: 'k2_wai_o_s_observer_total',
    lexicon: 'lexicon_wai_o_s_observer_total',
    client: 'client_wai_sr_client_total',
  };

  describe('agreement statistics through --study give the numbers of the wide export', () => {
    const wide = ['--in', wideObserver, '--wide', '--subject', 'session_id'];
    // The wide file's key columns would be raters to the CSV reader; the study side knows its sources.
    const sources = ['--raters', `${COLUMNS.K1},${COLUMNS.K2},${COLUMNS.lexicon}`];
    it.each([
      ['icc', ['--missing', 'model']],
      ['alpha', ['--metric', 'interval', '--bootstrap', '200', '--seed', '3']],
      ['fleiss', []],
      ['ac', ['--weights', 'quadratic']],
    ])('%s over every source of the form when --raters is absent', async (name, extra) => {
      const viaStudy = await json(['stats', name, ...OBSERVER, ...extra]);
      const viaCsv = await json(['stats', name, ...wide, ...sources, ...extra]);
      expect(numbers(viaStudy)).toEqual(numbers(viaCsv));
      expect(viaStudy.file).toBe('study');
    });

    it('icc names the sessions as subjects and the three sources as raters', async () => {
      const d = await json(['stats', 'icc', ...OBSERVER]);
      expect(d.raters).toBe(3);
      // C3's second session lacks K2, so it is the one subject left out.
      expect(d.missing).toMatchObject({ subjectsInInput: 24, subjectsDropped: 1 });
    });

    it('kappa compares the two sources --raters names (a coder id and a rater name)', async () => {
      const viaStudy = await json(['stats', 'kappa', ...OBSERVER, '--raters', 'K1,lexicon', '--weights', 'linear']);
      const viaCsv = await json([
        'stats',
        'kappa',
        ...wide,
        '--raters',
        `${COLUMNS.K1},${COLUMNS.lexicon}`,
        '--weights',
        'linear',
      ]);
      expect(numbers(viaStudy, ['raters'])).toEqual(numbers(viaCsv, ['raters']));
      expect(viaStudy.raters).toEqual(['K1', 'lexicon']);
      expect(viaStudy.n).toBe(24);
    });

    it('the long export gives the same numbers for sources without replicates', async () => {
      const viaStudy = await json(['stats', 'icc', ...OBSERVER, '--raters', 'K1,K2']);
      const viaLong = await json([
        'stats',
        'icc',
        '--in',
        longCoders,
        '--subject',
        'session_id',
        '--rater',
        'rater',
        '--value',
        'score',
      ]);
      expect(numbers(viaStudy)).toEqual(numbers(viaLong));
    });

    it('--replicate N uses that replicate of each rater instead of the mean', async () => {
      const lines = readFileSync(longObserver, 'utf8').trim().split('\n');
      const replicate1 = join(root, 'replicate-1.csv');
      writeFileSync(replicate1, `${lines.filter((l) => !l.includes(',rater,lexicon,2,')).join('\n')}\n`);
      const long = ['--in', replicate1, '--subject', 'session_id', '--rater', 'rater', '--value', 'score'];
      const viaStudy = await json(['stats', 'icc', ...OBSERVER, '--replicate', '1']);
      const viaLong = await json(['stats', 'icc', ...long]);
      expect(numbers(viaStudy)).toEqual(numbers(viaLong));
      const averaged = await json(['stats', 'icc', ...OBSERVER]);
      expect(numbers(averaged)).not.toEqual(numbers(viaStudy));
    });
  });

  describe('association statistics through --study: clients as subjects, sessions as the repeated unit', () => {
    const pair = ['--x', 'client', '--y', 'lexicon'];
    const csvPair = ['--in', wideAll, '--subject', 'client', '--x', COLUMNS.client, '--y', COLUMNS.lexicon];
    it.each(['corr', 'rmcorr', 'decompose'])('%s', async (name) => {
      const viaStudy = await json(['stats', name, '--study', dir, '--scale', 'total', ...pair]);
      const viaCsv = await json(['stats', name, ...csvPair]);
      expect(numbers(viaStudy)).toEqual(numbers(viaCsv));
      expect(viaStudy.clients ?? viaStudy.subjects).toBe(6);
    });

    it('bland-altman pairs two sources per session', async () => {
      const viaStudy = await json(['stats', 'bland-altman', ...OBSERVER, '--x', 'K1', '--y', 'K2']);
      const viaCsv = await json([
        'stats',
        'bland-altman',
        '--in',
        wideObserver,
        '--subject',
        'session_id',
        '--x',
        COLUMNS.K1,
        '--y',
        COLUMNS.K2,
      ]);
      expect(numbers(viaStudy)).toEqual(numbers(viaCsv));
      expect(viaStudy).toMatchObject({ n: 23, excluded: 1 });
    });

    it('lmm gets client, therapist, session and one column per source named as in the wide export', async () => {
      const formula = `${COLUMNS.client} ~ ${COLUMNS.lexicon} + session + (1|client)`;
      const viaStudy = await json(['stats', 'lmm', '--study', dir, '--scale', 'total', '--formula', formula]);
      const viaCsv = await json(['stats', 'lmm', '--in', wideAll, '--formula', formula]);
      expect(numbers(viaStudy)).toEqual(numbers(viaCsv));
      expect(viaStudy.n).toBe(24);
      const nested = `${COLUMNS.K1} ~ 1 + (1|therapist/client)`;
      expect(numbers(await json(['stats', 'lmm', ...OBSERVER, '--formula', nested]))).toEqual(
        numbers(await json(['stats', 'lmm', '--in', wideObserver, '--formula', nested])),
      );
    });

    it('ruptures screens one source of a study as it screens the column of the export', async () => {
      const viaStudy = await json(['stats', 'ruptures', ...OBSERVER, '--value', 'lexicon', '--k', '0.5']);
      const viaCsv = await json([
        'stats',
        'ruptures',
        '--in',
        wideObserver,
        '--subject',
        'client',
        '--value',
        COLUMNS.lexicon,
        '--k',
        '0.5',
      ]);
      expect(numbers(viaStudy)).toEqual(numbers(viaCsv));
      expect((viaStudy.summary as { clients: number }).clients).toBe(6);
    });
  });

  describe('stats --study errors', () => {
    it('refuses --in with --study, and a study option with --in (usage, exit 2)', async () => {
      const both = await run(['stats', 'icc', '--in', wideObserver, '--study', dir]);
      expect(both.code).toBe(2);
      expect(both.stderr).toMatch(/--in and --study are alternatives/);
      const scale = await run(['stats', 'corr', '--in', wideAll, '--scale', 'total']);
      expect(scale.code).toBe(2);
      expect(scale.stderr).toMatch(/--scale selects scores of a study: it goes with --study/);
      const wide = await run(['stats', 'alpha', ...OBSERVER, '--wide']);
      expect(wide.code).toBe(2);
      expect(wide.stderr).toMatch(/--wide describes a CSV/);
      const none = await run(['stats', 'rmcorr', '--x', 'a', '--y', 'b']);
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/--in FILE.csv or --study DIR/);
    });

    it('names an unknown source, listing the sources and the nearest', async () => {
      const r = await run(['stats', 'kappa', ...OBSERVER, '--raters', 'K1,lexicom']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /no source "lexicom" \(--raters\) among the scores of wai-o-s observer total; the sources are K1, K2, lexicon; did you mean "lexicon"\?/,
      );
      const x = await run(['stats', 'corr', '--study', dir, '--scale', 'total', '--x', 'clinet', '--y', 'K1']);
      expect(x.code).toBe(1);
      expect(x.stderr).toMatch(/no source "clinet" \(--x\).*did you mean "client"\?/);
    });

    it('names an unknown instrument or scale with the valid ones', async () => {
      const instrument = await run(['stats', 'icc', '--study', dir, '--instrument', 'wai-os']);
      expect(instrument.code).toBe(1);
      expect(instrument.stderr).toMatch(
        /no scores with instrument "wai-os"; the instruments are wai-o-s, wai-sr \(did you mean "wai-o-s"\?\)/,
      );
      const scale = await run(['stats', 'alpha', '--study', dir, '--instrument', 'wai-o-s', '--scale', 'bnd']);
      expect(scale.code).toBe(1);
      expect(scale.stderr).toMatch(/no scores with scale "bnd" of instrument wai-o-s; the scales are bond, total/);
    });

    it('asks to narrow a source with several scales, and a study with several scales', async () => {
      const source = await run([
        'stats',
        'bland-altman',
        '--study',
        dir,
        '--instrument',
        'wai-o-s',
        '--x',
        'K1',
        '--y',
        'K2',
      ]);
      expect(source.code).toBe(1);
      expect(source.stderr).toMatch(
        /source "K1" \(--x\) has 2 scales among the scores of wai-o-s: wai-o-s\/observer\/bond, wai-o-s\/observer\/total; narrow with --instrument, --form and --scale/,
      );
      const all = await run(['stats', 'fleiss', '--study', dir, '--scale', 'total']);
      expect(all.code).toBe(1);
      expect(all.stderr).toMatch(/cover 2 scales \(wai-o-s\/observer\/total, wai-sr\/client\/total\)/);
    });

    it('names a formula variable that is not a column, a missing replicate, and --x missing with --study', async () => {
      const lmm = await run(['stats', 'lmm', ...OBSERVER, '--formula', 'k1_wai_o_s_observer_totl ~ 1 + (1|client)']);
      expect(lmm.code).toBe(1);
      expect(lmm.stderr).toMatch(/no column "k1_wai_o_s_observer_totl".*did you mean "k1_wai_o_s_observer_total"\?/);
      const rep = await run(['stats', 'icc', ...OBSERVER, '--replicate', '3']);
      expect(rep.code).toBe(1);
      expect(rep.stderr).toMatch(/no rater scores with replicate 3 \(--replicate\); the replicates are 1, 2/);
      const x = await run(['stats', 'rmcorr', ...OBSERVER, '--y', 'K1']);
      expect(x.code).toBe(2);
      expect(x.stderr).toMatch(/with --study, name the two sources with --x and --y/);
    });
  });
});
