import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv, SessionTranscript } from '@alliance-lab/core';
import { sampleCorrelation, sampleSkewness } from 'simple-statistics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { icc } from '@alliance-lab/core/stats';
import { loadFormItems, type FormItems } from '../scripts/demo/instrument-items';
import { MARKER_GROUPS, MARKERS } from '../scripts/demo/markers';
import { DEMO_FILES, generateDemo } from '../scripts/demo/write-dataset';

const COMMITTED = fileURLToPath(new URL('../datasets/demo/', import.meta.url));

/** Columns the checks below read by name; other columns (item ids, marker counts) are read by index. */
type Column =
  | 'client'
  | 'session'
  | 'therapist'
  | 'date'
  | 'latent_alliance'
  | 'rupture'
  | 'rupture_type'
  | 'repaired'
  | 'rupture_first'
  | 'rupture_last'
  | 'repair_first'
  | 'repair_last'
  | 'utterances'
  | 'coder'
  | 'utterance'
  | 'role'
  | 'marker';
type Row = Record<Column, string> & Record<string, string>;
const key = (r: { client: string; session: string | number }) => `${r.client}/${r.session}`;

function readCsv(dir: string, name: string): { header: string[]; rows: Row[] } {
  const [head, ...records] = parseCsv(readFileSync(join(dir, name), 'utf8'));
  const header = head!.fields;
  return { header, rows: records.map((r) => Object.fromEntries(header.map((h, i) => [h, r.fields[i] ?? ''])) as Row) };
}

function sum(row: Row, columns: readonly string[]): number {
  return columns.reduce((s, c) => s + Number(row[c]), 0);
}

/** Item values turned so that high always means strong alliance, as the scoring engine keys them. */
function keyedMean(row: Row, form: FormItems): number | undefined {
  const values = form.items.map((it) =>
    row[it.id] === '' ? undefined : it.reverse ? form.max + form.min - Number(row[it.id]) : Number(row[it.id]),
  );
  if (values.some((v) => v === undefined)) return undefined;
  return (values as number[]).reduce((a, b) => a + b, 0) / values.length;
}

let out: string;
let transcripts: SessionTranscript[];
let truth: Row[];
let latent: Map<string, number>;
const forms = {
  waiSr: loadFormItems('wai-sr', 'client'),
  srs: loadFormItems('srs', 'client'),
  waiOs: loadFormItems('wai-o-s', 'observer'),
};

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'demo-sim-'));
  generateDemo(out);
  transcripts = readFileSync(join(out, 'transcripts.jsonl'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => SessionTranscript.parse(JSON.parse(line)));
  truth = readCsv(out, 'ground-truth.csv').rows;
  latent = new Map(truth.map((r) => [key(r), Number(r.latent_alliance)]));
});

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('demo simulator', () => {
  it('regenerates the committed datasets/demo byte for byte', () => {
    expect(readdirSync(COMMITTED).sort()).toEqual([...DEMO_FILES].sort());
    for (const name of DEMO_FILES) {
      const same = readFileSync(join(out, name)).equals(readFileSync(join(COMMITTED, name)));
      expect(same, `${name} differs from a fresh run of npm run demo-data`).toBe(true);
    }
  });

  it('has about 40 clients with 3–5 therapists and 8–12 numbered, dated sessions of 60–120 utterances', () => {
    const byClient = new Map<string, SessionTranscript[]>();
    for (const t of transcripts) byClient.set(t.client, [...(byClient.get(t.client) ?? []), t]);
    expect(byClient.size).toBeGreaterThanOrEqual(35);
    expect(byClient.size).toBeLessThanOrEqual(45);
    const therapists = new Set(transcripts.map((t) => t.therapist));
    expect(therapists.size).toBeGreaterThanOrEqual(3);
    expect(therapists.size).toBeLessThanOrEqual(5);
    for (const [client, sessions] of byClient) {
      expect(client).toMatch(/^C\d{2}$/);
      expect(sessions.length).toBeGreaterThanOrEqual(8);
      expect(sessions.length).toBeLessThanOrEqual(12);
      expect(sessions.map((s) => s.session)).toEqual(sessions.map((_, i) => i + 1));
      expect(new Set(sessions.map((s) => s.therapist)).size).toBe(1);
      const dates = sessions.map((s) => s.date!);
      expect([...dates].sort()).toEqual(dates);
      expect(new Set(dates).size).toBe(dates.length);
    }
    for (const t of transcripts) {
      expect(t.therapist).toMatch(/^T\d$/);
      expect(t.utterances.length).toBeGreaterThanOrEqual(60);
      expect(t.utterances.length).toBeLessThanOrEqual(120);
      expect(new Set(t.utterances.map((u) => u.role))).toEqual(new Set(['therapist', 'client']));
      for (const u of t.utterances) expect(u.speaker).toBe(u.role === 'therapist' ? t.therapist : t.client);
    }
  });

  it('keeps ground truth and the per-utterance marker list consistent with the transcripts', () => {
    expect(truth.map(key)).toEqual(transcripts.map(key));
    const roles = new Map(transcripts.flatMap((t) => t.utterances.map((u) => [`${key(t)}/${u.id}`, u.role] as const)));
    const counted = new Map<string, number>();
    for (const m of readCsv(out, 'markers.csv').rows) {
      expect(roles.get(`${key(m)}/${m.utterance}`), `${key(m)}/${m.utterance}`).toBe(m.role);
      expect(MARKERS).toContain(m.marker);
      const k = `${key(m)}/${m.marker}`;
      counted.set(k, (counted.get(k) ?? 0) + 1);
    }
    transcripts.forEach((t, i) => {
      const row = truth[i]!;
      expect(Number(row.utterances)).toBe(t.utterances.length);
      expect(row.therapist).toBe(t.therapist);
      expect(row.date).toBe(t.date);
      for (const m of MARKERS) expect(Number(row[m]), `${key(t)} ${m}`).toBe(counted.get(`${key(t)}/${m}`) ?? 0);
    });
  });

  it('plants relational markers at rates that rise with latent alliance, and withdrawal at rates that fall', () => {
    const L = truth.map((r) => Number(r.latent_alliance));
    const rate = (cols: readonly string[]) => truth.map((r) => sum(r, cols) / Number(r.utterances));
    expect(sampleCorrelation(L, rate(MARKER_GROUPS.therapistRelational))).toBeGreaterThan(0.5);
    expect(sampleCorrelation(L, rate(['elaboration']))).toBeGreaterThan(0.5);
    expect(sampleCorrelation(L, rate(MARKER_GROUPS.withdrawal))).toBeLessThan(-0.5);
  });

  it('shows the markers in the words themselves, not only in the bookkeeping', () => {
    // A crude lexicon over the text: collaborative "we" language from the therapist, "I don't know" from the client.
    const we = transcripts.map((t) => {
      const th = t.utterances.filter((u) => u.role === 'therapist');
      return th.filter((u) => /\b(we|let's|us|together)\b/i.test(u.text)).length / th.length;
    });
    expect(
      sampleCorrelation(
        transcripts.map((t) => latent.get(key(t))!),
        we,
      ),
    ).toBeGreaterThan(0.3);
    const dontKnow = (t: SessionTranscript) =>
      t.utterances.filter((u) => u.role === 'client' && /\bdon't (really )?know\b/i.test(u.text)).length;
    const withdrawalSessions = transcripts.filter((_, i) => truth[i]!.rupture_type === 'withdrawal');
    const calm = transcripts.filter((_, i) => truth[i]!.rupture === 'no');
    const mean = (ts: SessionTranscript[]) => ts.reduce((s, t) => s + dontKnow(t), 0) / ts.length;
    expect(withdrawalSessions.length).toBeGreaterThan(0);
    expect(mean(withdrawalSessions)).toBeGreaterThan(mean(calm));
  });

  it('gives every rupture session a withdrawal or confrontation episode inside its marked range', () => {
    const ruptures = truth.filter((r) => r.rupture === 'yes');
    expect(ruptures.length).toBeGreaterThanOrEqual(10);
    expect(new Set(ruptures.map((r) => r.rupture_type))).toEqual(new Set(['withdrawal', 'confrontation', 'both']));
    const markers = readCsv(out, 'markers.csv').rows;
    for (const r of ruptures) {
      const inRange = markers.filter(
        (m) => key(m) === key(r) && m.utterance >= r.rupture_first! && m.utterance <= r.rupture_last!,
      );
      const n = (family: readonly string[]) => inRange.filter((m) => family.includes(m.marker)).length;
      if (r.rupture_type === 'withdrawal') expect(n(MARKER_GROUPS.withdrawal), key(r)).toBeGreaterThanOrEqual(3);
      if (r.rupture_type === 'confrontation') expect(n(MARKER_GROUPS.confrontation), key(r)).toBeGreaterThanOrEqual(2);
      if (r.rupture_type === 'both') {
        expect(n(MARKER_GROUPS.withdrawal), key(r)).toBeGreaterThanOrEqual(2);
        expect(n(MARKER_GROUPS.confrontation), key(r)).toBeGreaterThanOrEqual(2);
      }
    }
    for (const r of truth.filter((x) => x.rupture === 'no')) {
      expect([r.rupture_type, r.repaired, r.rupture_first, r.repair_first].join('')).toBe('');
      expect(sum(r, MARKER_GROUPS.confrontation)).toBe(0);
    }
  });

  it('follows repaired ruptures with repair moves and leaves unrepaired ones without acknowledgement', () => {
    const ruptures = truth.filter((r) => r.rupture === 'yes');
    const repaired = ruptures.filter((r) => r.repaired === 'yes');
    const unrepaired = ruptures.filter((r) => r.repaired === 'no');
    expect(repaired.length).toBeGreaterThan(0);
    expect(unrepaired.length).toBeGreaterThan(0);
    const markers = readCsv(out, 'markers.csv').rows;
    for (const r of repaired) {
      expect(r.repair_first! > r.rupture_last!, key(r)).toBe(true);
      const moves = markers
        .filter((m) => key(m) === key(r) && m.utterance >= r.repair_first! && m.utterance <= r.repair_last!)
        .map((m) => m.marker);
      expect(moves, key(r)).toContain('metacommunication');
      expect(moves, key(r)).toContain('acknowledgement');
    }
    for (const r of unrepaired) {
      expect(r.repair_first).toBe('');
      expect(Number(r.acknowledgement), key(r)).toBe(0);
    }
    // Latent alliance dips in the rupture session and recovers in the next (the V of rupture–repair research).
    const rebound = ruptures.map(
      (r) => latent.get(`${r.client}/${Number(r.session) + 1}`)! - Number(r.latent_alliance),
    );
    expect(rebound.reduce((a, b) => a + b, 0) / rebound.length).toBeGreaterThan(0.3);
  });

  it('writes client WAI-SR after every session: definition item ids, 1–5, high and left-skewed, tracking latent alliance', () => {
    const { header, rows } = readCsv(out, 'wai-sr.csv');
    expect(header).toEqual(['client', 'session', ...forms.waiSr.items.map((i) => i.id)]);
    expect(rows.map(key)).toEqual(truth.map(key));
    const cells = rows.flatMap((r) => forms.waiSr.items.map((i) => r[i.id]!));
    const missing = cells.filter((c) => c === '').length / cells.length;
    expect(missing).toBeGreaterThan(0);
    expect(missing).toBeLessThan(0.03);
    for (const c of cells) if (c !== '') expect(c).toMatch(/^[1-5]$/);
    const complete = rows.filter((r) => keyedMean(r, forms.waiSr) !== undefined);
    const means = complete.map((r) => keyedMean(r, forms.waiSr)!);
    expect(means.reduce((a, b) => a + b, 0) / means.length).toBeGreaterThan(3.5);
    expect(sampleSkewness(cells.filter((c) => c !== '').map(Number))).toBeLessThan(0);
    expect(
      sampleCorrelation(
        complete.map((r) => latent.get(key(r))!),
        means,
      ),
    ).toBeGreaterThan(0.5);
  });

  it('writes client SRS after every session: 0–10 with one decimal, mostly near the ceiling, tracking latent alliance', () => {
    const { header, rows } = readCsv(out, 'srs.csv');
    expect(header).toEqual(['client', 'session', ...forms.srs.items.map((i) => i.id)]);
    expect(rows.map(key)).toEqual(truth.map(key));
    const cells = rows.flatMap((r) => forms.srs.items.map((i) => r[i.id]!));
    for (const c of cells) if (c !== '') expect(c).toMatch(/^(10|\d)\.\d$/);
    expect(cells.some((c) => c === '')).toBe(true);
    const complete = rows.filter((r) => keyedMean(r, forms.srs) !== undefined);
    const totals = complete.map((r) => keyedMean(r, forms.srs)! * forms.srs.items.length).sort((a, b) => a - b);
    expect(totals[Math.floor(totals.length / 2)]).toBeGreaterThanOrEqual(33);
    expect(
      sampleCorrelation(
        complete.map((r) => latent.get(key(r))!),
        complete.map((r) => keyedMean(r, forms.srs)!),
      ),
    ).toBeGreaterThan(0.5);
  });

  it('has two coders rate about a quarter of sessions on the WAI-O-S with realistic agreement', () => {
    const { header, rows } = readCsv(out, 'coders-wai-o-s.csv');
    expect(header).toEqual(['client', 'session', 'coder', ...forms.waiOs.items.map((i) => i.id)]);
    for (const r of rows) for (const it of forms.waiOs.items) expect(r[it.id]).toMatch(/^[1-7]$/);
    const coders = [...new Set(rows.map((r) => r.coder!))].sort();
    expect(coders).toHaveLength(2);
    const sessions = [...new Set(rows.map(key))];
    expect(sessions.length / truth.length).toBeGreaterThan(0.2);
    expect(sessions.length / truth.length).toBeLessThan(0.3);
    const score = new Map(rows.map((r) => [`${key(r)}/${r.coder}`, keyedMean(r, forms.waiOs)!]));
    const table = sessions.map((s) => coders.map((c) => score.get(`${s}/${c}`)!));
    expect(table.every((pair) => pair.every((v) => v !== undefined))).toBe(true);
    const r = sampleCorrelation(
      table.map((p) => p[0]!),
      table.map((p) => p[1]!),
    );
    expect(r).toBeGreaterThan(0.55);
    expect(r).toBeLessThan(0.9);
    const agreement = icc(table).forms.ICC2.icc;
    expect(agreement).toBeGreaterThan(0.6);
    expect(agreement).toBeLessThan(0.85);
    expect(
      sampleCorrelation(
        sessions.map((s) => latent.get(s)!),
        table.map((p) => (p[0]! + p[1]!) / 2),
      ),
    ).toBeGreaterThan(0.5);
  });

  it('keys observer items as the instrument definition does: reverse-keyed raw values fall as alliance rises', () => {
    const reversed = forms.waiOs.items.filter((i) => i.reverse);
    expect(reversed.length).toBeGreaterThan(0);
    const rows = readCsv(out, 'coders-wai-o-s.csv').rows;
    const L = rows.map((r) => latent.get(key(r))!);
    for (const it of reversed)
      expect(
        sampleCorrelation(
          L,
          rows.map((r) => Number(r[it.id])),
        ),
      ).toBeLessThan(-0.3);
    const forward = forms.waiOs.items.find((i) => !i.reverse)!;
    expect(
      sampleCorrelation(
        L,
        rows.map((r) => Number(r[forward.id])),
      ),
    ).toBeGreaterThan(0.3);
  });
});
