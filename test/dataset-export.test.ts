import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStudy, parseCsv, queryScores } from '@alliance-lab/core';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '@alliance-lab/cli';
import { alliance } from '../scripts/demo/run-cli';
import { datasetFixture, type Secrets } from './support/dataset-fixture';
import { storeKinds, useStore } from './support/stores';

describe.each(storeKinds)('alliance export dataset on %s', (kind) => {
  useStore(kind, { shared: true });
  const parent = mkdtempSync(join(tmpdir(), 'dataset-export-'));
  afterAll(() => rmSync(parent, { recursive: true, force: true }));
  let study = '';
  let secrets: Secrets;
  const out = (name: string) => join(parent, name);

  beforeAll(async () => {
    ({ study, secrets } = await datasetFixture(parent));
    await alliance(['export', 'dataset', '--study', study, '--out', out('default'), '--format', 'csv,parquet']);
    await alliance(['export', 'dataset', '--study', study, '--out', out('again')]);
    await alliance([
      'export',
      'dataset',
      '--study',
      study,
      '--out',
      out('identified'),
      '--format',
      'csv,parquet',
      '--identified',
      '--include-text',
    ]);
  }, 120_000);

  type Value = string | number | null;
  interface Table {
    columns: string[];
    rows: Array<Record<string, Value>>;
  }

  /** CSV read back by the project's RFC 4180 parser (not the writer), typed by the codebook. */
  function readCsvTable(dir: string, name: string): Table {
    const types = codebookTypes(dir, name);
    const [header, ...records] = parseCsv(readFileSync(join(dir, `${name}.csv`), 'utf8'));
    const columns = header!.fields;
    const rows = records.map((r) =>
      Object.fromEntries(
        columns.map((c, i) => {
          const v = r.fields[i]!;
          const numeric = ['integer', 'number', 'flag'].includes(types.get(c)!);
          return [c, v === '' ? null : numeric ? Number(v) : v];
        }),
      ),
    );
    return { columns, rows };
  }

  function parquetBuffer(file: string): ArrayBuffer {
    const b = readFileSync(file);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }

  /** Parquet read back by hyparquet, an implementation independent of the writer. */
  async function readParquetTable(dir: string, name: string): Promise<Table> {
    const file = parquetBuffer(join(dir, `${name}.parquet`));
    const columns = parquetSchema(parquetMetadata(file)).children.map((c) => c.element.name);
    const rows = (await parquetReadObjects({ file })) as Array<Record<string, Value>>;
    return { columns, rows };
  }

  function codebook(dir: string): Array<{ table: string; name: string; type: string }> {
    const [header, ...records] = parseCsv(readFileSync(join(dir, 'codebook.csv'), 'utf8'));
    expect(header!.fields[0]).toBe('Variable / Field Name');
    const at = (h: string) => header!.fields.indexOf(h);
    return records.map((r) => ({
      name: r.fields[at('Variable / Field Name')]!,
      table: r.fields[at('Form Name')]!,
      type: r.fields[at('Field Annotation')]!.replace('@TYPE=', ''),
    }));
  }

  function codebookTypes(dir: string, table: string): Map<string, string> {
    return new Map(
      codebook(dir)
        .filter((c) => c.table === table)
        .map((c) => [c.name, c.type]),
    );
  }

  const tableFiles = (dir: string) =>
    readdirSync(dir).filter((f) => /\.(csv|parquet)$/.test(f) && f !== 'codebook.csv');

  describe('alliance export dataset: codebook and manifest', () => {
    it('documents every column of every file, and nothing else (both ways)', async () => {
      for (const dir of [out('default'), out('identified')]) {
        const documented = codebook(dir)
          .map((c) => `${c.table}.${c.name}`)
          .sort();
        const written = new Set<string>();
        for (const f of tableFiles(dir)) {
          const table = f.replace(/\.(csv|parquet)$/, '');
          const cols = f.endsWith('.csv')
            ? readCsvTable(dir, table).columns
            : (await readParquetTable(dir, table)).columns;
          for (const c of cols) written.add(`${table}.${c}`);
          // the CSV and the Parquet of a table have the same columns in the same order
          if (f.endsWith('.parquet')) expect(cols).toEqual(readCsvTable(dir, table).columns);
        }
        expect([...written].sort()).toEqual(documented);
        const md = readFileSync(join(dir, 'codebook.md'), 'utf8');
        const mdColumns = [
          ...md.matchAll(/^## (\S+)$|^\| ([a-z0-9_]+) \| (string|integer|number|flag|date|json) \|/gm),
        ];
        let table = '';
        const inMd: string[] = [];
        for (const m of mdColumns) {
          if (m[1]) table = m[1];
          else inMd.push(`${table}.${m[2]}`);
        }
        expect(inMd.sort()).toEqual(documented);
      }
      // text columns only with --include-text, dates only with --identified
      const names = (dir: string) => codebook(dir).map((c) => `${c.table}.${c.name}`);
      expect(names(out('default'))).toContain('sessions.day');
      expect(names(out('default'))).not.toContain('sessions.date');
      expect(names(out('default'))).not.toContain('signals.quote');
      expect(names(out('identified'))).toEqual(
        expect.arrayContaining(['sessions.date', 'signals.quote', 'ratings.rationale']),
      );
    });

    it('lists every other file in the manifest with its SHA-256, and tables with their row counts and columns', async () => {
      for (const dir of [out('default'), out('identified')]) {
        const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
        expect(Object.keys(manifest.files).sort()).toEqual(
          readdirSync(dir)
            .filter((f) => f !== 'manifest.json')
            .sort(),
        );
        for (const [name, entry] of Object.entries(manifest.files) as Array<[string, Record<string, unknown>]>) {
          const bytes = readFileSync(join(dir, name));
          expect(entry.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
          expect(entry.bytes).toBe(bytes.length);
          if (!tableFiles(dir).includes(name)) continue;
          const table = name.replace(/\.(csv|parquet)$/, '');
          const t = name.endsWith('.csv') ? readCsvTable(dir, table) : await readParquetTable(dir, table);
          expect(entry.rows).toBe(t.rows.length);
          expect(entry.columns).toEqual(t.columns);
          expect(manifest.tables[table]).toBe(t.rows.length);
        }
        expect(manifest.software).toMatchObject({ name: 'alliance-lab' });
        expect(manifest.study.definitionSha256).toBe(
          createHash('sha256')
            .update(readFileSync(join(study, 'study.json')))
            .digest('hex'),
        );
        const lexicon = manifest.raters.find((r: { name: string }) => r.name === 'lexicon');
        expect(lexicon.configuration.provider).toBe('lexicon');
        expect(lexicon.prompts[0].sha256).toMatch(/^[0-9a-f]{64}$/);
      }
      const def = JSON.parse(readFileSync(join(out('default'), 'manifest.json'), 'utf8'));
      expect(def.options).toEqual({ formats: ['csv', 'parquet'], identified: false, includeText: false, force: false });
      expect(def.deidentification.deidentified).toBe(true);
      const ident = JSON.parse(readFileSync(join(out('identified'), 'manifest.json'), 'utf8'));
      expect(ident.options).toMatchObject({ identified: true, includeText: true });
      expect(readFileSync(join(out('default'), 'README.md'), 'utf8')).toMatch(
        /read\.csv[\s\S]*pd\.read_csv[\s\S]*read_csv_auto/,
      );
    });
  });

  describe('alliance export dataset: one wide column list', () => {
    it('gives scores_wide.csv, export scores --wide and the study codebook the same score columns', async () => {
      const wideFile = out('wide.csv');
      await alliance(['export', 'scores', '--study', study, '--wide', '--out', wideFile]);
      const quick = parseCsv(readFileSync(wideFile, 'utf8'))[0]!.fields;
      const keys = ['session_id', 'client', 'therapist', 'session', 'date', 'day'];
      const scoreColumns = (cols: string[]) => cols.filter((c) => !keys.includes(c));
      const dataset = readCsvTable(out('default'), 'scores_wide').columns;
      expect(scoreColumns(dataset)).toEqual(scoreColumns(quick));
      expect(scoreColumns(dataset)).toEqual(
        expect.arrayContaining(['client_srs_client_total', 'k7_wai_o_s_observer_total']),
      );
      const cb = (await alliance(['codebook', '--study', study])).data as { rows: Array<{ name: string }> };
      expect(cb.rows.map((r) => r.name)).toEqual(scoreColumns(quick));
    });
  });

  describe('alliance export dataset: round trips', () => {
    it('gives back every score, item value, rating and signal the store holds, from CSV and from Parquet', async () => {
      const s = await openStudy(study);
      try {
        const stored = await queryScores(s.db);
        const dir = out('identified');
        const responses = await s.db.selectFrom('responses').selectAll().execute();
        const ratings = await s.db.selectFrom('ratings').selectAll().where('status', '=', 'ok').execute();
        for (const read of [async (t: string) => readCsvTable(dir, t), async (t: string) => readParquetTable(dir, t)]) {
          const scores = (await read('scores')).rows;
          expect(scores).toHaveLength(stored.length);
          scores.forEach((r, i) => {
            const x = stored[i]!;
            expect(r).toEqual({
              client: x.client,
              session: x.session,
              source: x.source,
              rater_or_respondent: x.rater,
              replicate: x.replicate,
              instrument: x.instrument,
              form: x.form,
              scale: x.scale,
              score: x.score,
              pomp: x.pomp,
              prorated: x.prorated ? 1 : 0,
              missing: x.missing ? 1 : 0,
            });
          });
          const items = (await read('responses')).rows;
          const expected = responses.flatMap((r) =>
            Object.entries(JSON.parse(r.items) as Record<string, number | null>).map(
              ([item, value]) =>
                `${r.session_id} ${r.instrument} ${r.form} ${r.respondent} ${item} ${value} ${r.submitted_at}`,
            ),
          );
          expect(
            items.map(
              (r) =>
                `${r.client}/${r.session} ${r.instrument} ${r.form} ${r.respondent} ${r.item} ${r.value} ${r.submitted_at}`,
            ),
          ).toEqual(expect.arrayContaining(expected));
          expect(items).toHaveLength(expected.length);
          // WAI-O-S items 4 and 10 are reversed on its 1–7 scale
          for (const r of items.filter((r) => r.instrument === 'wai-o-s'))
            expect(r.keyed_value).toBe(['4', '10'].includes(String(r.item)) ? 8 - (r.value as number) : r.value);
          const rated = (await read('ratings')).rows;
          const expectedRated = ratings.flatMap((g) =>
            (JSON.parse(g.forms) as Array<{ instrument: string; form: string; items: Record<string, number> }>).flatMap(
              (f) =>
                Object.entries(f.items).map(
                  ([item, v]) => `${g.session_id} ${g.rater} ${g.replicate} ${f.instrument} ${item} ${v}`,
                ),
            ),
          );
          expect(
            rated
              .map((r) => `${r.client}/${r.session} ${r.rater} ${r.replicate} ${r.instrument} ${r.item} ${r.value}`)
              .sort(),
          ).toEqual(expectedRated.sort());
          expect(rated.every((r) => typeof r.rationale === 'string' && r.rationale.length > 0)).toBe(true);
          const signals = (await read('signals')).rows;
          const expectedSignals = ratings.flatMap((g) =>
            (
              JSON.parse(g.signals) as Array<{ subSignal: string; strength: number; quote: string; evidence: string[] }>
            ).map((x) => `${g.session_id} ${x.subSignal} ${x.strength} ${x.evidence.join(' ')} ${x.quote}`),
          );
          expect(
            signals
              .map((r) => `${r.client}/${r.session} ${r.sub_signal} ${r.strength} ${r.evidence} ${r.quote}`)
              .sort(),
          ).toEqual(expectedSignals.sort());
          const runs = (await read('rating_runs')).rows;
          expect(runs.map((r) => r.cost_usd)).toEqual(expect.arrayContaining(ratings.map((g) => g.cost_usd)));
          expect((await read('audit')).rows).toHaveLength(
            Number(
              (
                await s.db
                  .selectFrom('audit')
                  .select((eb) => eb.fn.countAll().as('n'))
                  .executeTakeFirstOrThrow()
              ).n,
            ),
          );
        }
      } finally {
        await s.close();
      }
    });
  });

  describe('alliance export dataset: utterance codes', () => {
    it('gives back every stored code, and per coded session counts and MITI summaries computed from them', async () => {
      const s = await openStudy(study);
      try {
        const stored = await s.db
          .selectFrom('utterance_codes as c')
          .innerJoin('transcripts as t', 't.id', 'c.transcript_id')
          .select(['t.session_id', 't.version', 'c.coder', 'c.coder_hash', 'c.uid', 'c.seq', 'c.role', 'c.code'])
          .select(['c.subcode', 'c.probability'])
          .execute();
        expect(stored.length).toBeGreaterThan(100);
        const dir = out('identified');
        for (const read of [async (t: string) => readCsvTable(dir, t), async (t: string) => readParquetTable(dir, t)]) {
          const rows = (await read('utterance_codes')).rows;
          const line = (x: Record<string, Value>) =>
            [x.session_id, x.version, x.coder, x.coder_hash, x.uid, x.seq, x.role, x.code, x.subcode, x.probability]
              .map(String)
              .join(' ');
          expect(
            rows
              .map((r) =>
                line({
                  ...r,
                  session_id: `${r.client}/${r.session}`,
                  version: r.transcript_version ?? null,
                  uid: r.utterance_id ?? null,
                }),
              )
              .sort(),
          ).toEqual(stored.map((x) => line(x)).sort());
          // Utterance order within each session, as the coder read them.
          const seqs = rows.filter((r) => r.client === rows[0]!.client && r.session === rows[0]!.session);
          expect(seqs.map((r) => r.seq)).toEqual([...seqs.map((r) => r.seq as number)].sort((a, b) => a - b));

          const summaries = (await read('code_summaries')).rows;
          const sessions = [...new Set(stored.map((x) => x.session_id))];
          expect(summaries).toHaveLength(sessions.length);
          for (const id of sessions) {
            const codes = stored.filter((x) => x.session_id === id);
            const n = (code: string, subcode?: string) =>
              codes.filter((x) => x.code === code && (subcode === undefined || x.subcode === subcode)).length;
            const row = summaries.find((r) => `${r.client}/${r.session}` === id)!;
            expect(row).toMatchObject({
              current: 1,
              coder: codes[0]!.coder,
              therapist_utterances: codes.filter((x) => x.role === 'therapist').length,
              reflections: n('reflection'),
              complex_reflections: n('reflection', 'complex'),
              questions: n('question'),
              open_questions: n('question', 'open'),
              client_utterances: codes.filter((x) => x.role === 'client').length,
              change_talk: n('change'),
              sustain_talk: n('sustain'),
            });
            // null where MITI's ratio has nothing to divide by, the ratio itself otherwise
            const ratio = (a: number, b: number) => (b === 0 ? null : expect.closeTo(a / b, 12));
            expect(row.rq_ratio).toEqual(ratio(n('reflection'), n('question')));
            expect(row.complex_reflection_share).toEqual(ratio(n('reflection', 'complex'), n('reflection')));
            expect(row.open_question_share).toEqual(ratio(n('question', 'open'), n('question')));
            expect(row.change_talk_share).toEqual(ratio(n('change'), n('change') + n('sustain')));
          }
        }
      } finally {
        await s.close();
      }
    });
  });

  /** Every string a folder holds: raw bytes of each file, and each value Parquet decodes to (pages are compressed). */
  async function everything(dir: string): Promise<string> {
    const parts: string[] = [];
    for (const f of readdirSync(dir)) {
      parts.push(readFileSync(join(dir, f), 'latin1'), readFileSync(join(dir, f), 'utf8'));
      if (f.endsWith('.parquet')) {
        const file = parquetBuffer(join(dir, f));
        parts.push(JSON.stringify(parquetMetadata(file), (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
        for (const row of (await parquetReadObjects({ file })) as Array<Record<string, unknown>>)
          parts.push(Object.values(row).map(String).join('\u0000'));
      }
    }
    return parts.join('\n');
  }

  describe('alliance export dataset: de-identification', () => {
    it('holds no original client or therapist id, no speaker label, no calendar date and no transcript text', async () => {
      const all = await everything(out('default'));
      expect(secrets.texts.length).toBeGreaterThan(100);
      const found = [
        ...secrets.clients,
        ...secrets.therapists,
        ...new Set(secrets.speakers),
        ...new Set(secrets.dates),
      ].filter((s) => all.includes(s));
      expect(found).toEqual([]);
      expect(secrets.texts.filter((t) => all.includes(t))).toEqual([]);
      // the quotes and rationales an identified export with text holds: verbatim and transcript-derived text
      const quotes = readCsvTable(out('identified'), 'signals').rows.map((r) => String(r.quote));
      const rationales = readCsvTable(out('identified'), 'ratings').rows.map((r) => String(r.rationale));
      expect(quotes.length).toBeGreaterThan(10);
      expect(quotes.every((q) => secrets.texts.some((t) => t.includes(q)) || q.length < 24)).toBe(true);
      // (short quotes such as "I don't know" also occur in the fixed 3RS marker labels, so they prove nothing)
      const long = [...quotes, ...rationales].filter((q) => q.length >= 16);
      expect(long.length).toBeGreaterThan(10);
      expect(long.filter((q) => all.includes(q))).toEqual([]);
      // no calendar date of any kind (the export's own time included), nor a time of day
      expect(all.match(/\b(19|20)\d\d-[01]\d-[0-3]\d/)).toBeNull();
      // the identified export does hold them, so the search above can find what it looks for
      const identified = await everything(out('identified'));
      expect(secrets.clients.every((c) => identified.includes(c))).toBe(true);
      expect(secrets.dates.every((d) => identified.includes(d))).toBe(true);
      expect(quotes.some((q) => identified.includes(q))).toBe(true);
    });

    it('keeps intervals: day is the days since the client’s first session', () => {
      const days = readCsvTable(out('default'), 'sessions').rows;
      const dates = readCsvTable(out('identified'), 'sessions').rows;
      expect(days).toHaveLength(dates.length);
      const first = new Map<string, number>();
      for (const d of dates) {
        const t = Date.parse(String(d.date)) / 86_400_000;
        if (!first.has(String(d.client))) first.set(String(d.client), t);
      }
      days.forEach((d, i) => {
        expect(d.session).toBe(dates[i]!.session);
        expect(d.day).toBe(Date.parse(String(dates[i]!.date)) / 86_400_000 - first.get(String(dates[i]!.client))!);
      });
      expect(new Set(days.map((d) => d.day)).size).toBeGreaterThan(2);
    });

    it('gives the same pseudonyms in two exports of one study', () => {
      for (const f of ['sessions.csv', 'scores.csv', 'audit.csv'])
        expect(readFileSync(join(out('again'), f), 'utf8')).toBe(readFileSync(join(out('default'), f), 'utf8'));
      expect(readCsvTable(out('default'), 'sessions').rows[0]!.client).toMatch(/^c_[0-9a-f]{16}$/);
    });

    it('refuses --include-text without --identified unless --force, writing nothing', async () => {
      const target = out('refused');
      let stderr = '';
      const code = await main(['export', 'dataset', '--study', study, '--out', target, '--include-text'], {
        stdout: { write: () => {} },
        stderr: { write: (s: string) => (stderr += s), isTTY: false },
      });
      expect(code).toBe(2);
      expect(stderr).toMatch(/--include-text .*--identified, or --force/);
      expect(existsSync(target)).toBe(false);
      await alliance(['export', 'dataset', '--study', study, '--out', target, '--include-text', '--force']);
      const manifest = JSON.parse(readFileSync(join(target, 'manifest.json'), 'utf8'));
      expect(manifest.options).toMatchObject({ identified: false, includeText: true, force: true });
      expect(readCsvTable(target, 'signals').columns).toContain('quote');
    });

    it('refuses to write into a folder that holds something other than an earlier export', async () => {
      const target = out('occupied');
      execFileSync('mkdir', ['-p', target]);
      writeFileSync(join(target, 'notes.txt'), 'mine');
      await expect(alliance(['export', 'dataset', '--study', study, '--out', target])).rejects.toThrow(
        /not a dataset export/,
      );
      expect(readdirSync(target)).toEqual(['notes.txt']);
    });
  });

  const hasR = spawnSync('Rscript', ['--version']).status === 0;

  describe.runIf(hasR)('alliance export dataset: R', () => {
    it('read.csv reads every CSV into the types the codebook gives', () => {
      for (const dir of [out('default'), out('identified')]) {
        const script = join(dir, '..', `classes-${dir.split('/').pop()}.R`);
        writeFileSync(
          script,
          `for (f in list.files(${JSON.stringify(dir)}, pattern = "\\\\.csv$")) {
    if (f == "codebook.csv") next
    d <- read.csv(file.path(${JSON.stringify(dir)}, f))
    for (n in names(d)) cat(sub("\\\\.csv$", "", f), n, class(d[[n]]), all(is.na(d[[n]])), "\\n")
  }\n`,
        );
        const lines = execFileSync('Rscript', [script], { encoding: 'utf8' }).trim().split('\n');
        const types = new Map(codebook(dir).map((c) => [`${c.table}.${c.name}`, c.type]));
        expect(lines.length).toBe(types.size);
        for (const line of lines) {
          const [table, name, cls, allNa] = line.trim().split(' ');
          const type = types.get(`${table}.${name}`);
          // an all-empty column is logical NA in R, whatever it would hold
          if (allNa === 'TRUE') continue;
          const want =
            type === 'integer' || type === 'flag'
              ? ['integer']
              : type === 'number'
                ? ['numeric', 'integer']
                : // item ids are digits in these instruments, so R reads them as integers
                  name === 'item'
                  ? ['integer', 'character']
                  : ['character'];
          expect(want, `${table}.${name} (${type}) read as ${cls}`).toContain(cls);
        }
      }
    });
  });
});
