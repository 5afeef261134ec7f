import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCore as main } from '../testing';
import { tempDir } from '../../../../../../test/support/temp-dir';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
  });
  return { code, stdout, stderr };
}

function file(name: string, value: unknown): string {
  const f = join(tempDir('instr-'), name);
  writeFileSync(f, JSON.stringify(value));
  return f;
}

async function newStudy(): Promise<string> {
  const dir = join(tempDir('instr-study-'), 'study');
  expect((await run(['init', dir, '--json'])).code).toBe(0);
  return dir;
}

/** A two-item session check a lab might add (its own measure, its own wording). */
const SESSION_CHECK = {
  id: 'session-check',
  name: 'Session check',
  version: '1.0.0',
  citations: [{ key: 'lab', text: 'Lab measure (2026).', confirmed: true }],
  licence: { note: 'Ours.', wordingIncluded: true },
  forms: [
    {
      id: 'client',
      name: 'SC',
      respondent: 'client',
      scale: { min: 0, max: 6, source: 'lab', confirmed: true },
      source: 'lab',
      confirmed: true,
    },
  ],
  items: [
    { id: '1', descriptor: 'felt heard', keying: { reverse: false, source: 'lab', confirmed: true } },
    { id: '2', descriptor: 'wasted time', keying: { reverse: true, source: 'lab', confirmed: true } },
  ],
  total: { label: 'Total', method: 'sum', source: 'lab', confirmed: true },
};

describe('alliance instruments', () => {
  it('lists the built-in instruments with their forms and unconfirmed counts', async () => {
    const { code, stdout } = await run(['instruments', 'list', '--json']);
    expect(code).toBe(0);
    const { instruments } = JSON.parse(stdout);
    expect(instruments.map((i: { id: string }) => i.id)).toEqual([
      'arm-12',
      'arm-28',
      'arm-5',
      'calpas',
      'srs',
      'wai-o-s',
      'wai-sr',
    ]);
    const calpas = instruments.find((i: { id: string }) => i.id === 'calpas');
    expect(calpas.forms.map((f: { id: string }) => f.id)).toEqual(['client', 'therapist', 'observer']);
    expect(calpas.unconfirmed).toBeGreaterThan(0);
  });

  it('shows which keys are unconfirmed, in JSON and in text', async () => {
    const json = JSON.parse((await run(['instruments', 'show', 'wai-o-s', '--json'])).stdout);
    expect(json.allConfirmed).toBe(false);
    expect(json.unconfirmed.map((u: { what: string }) => u.what)).toContain('scale relationship (items 3, 7, 9; mean)');
    expect(json.definition.forms[0].scale.anchors[1]).toEqual({ value: 4, label: 'no evidence (start here)' });
    const text = (await run(['instruments', 'show', 'wai-o-s'])).stdout;
    expect(text).toMatch(
      /^Working Alliance Inventory – Observer, short form \(WAI-O-S\) \[wai-o-s, definition 1\.0\.0, builtin\]\nWARNING: \d+ facts in this definition are UNCONFIRMED/,
    );
    expect(text).toContain('UNCONFIRMED:\n');
    expect(text).toMatch(/\n {2}4\s+yes\s+confirmed\s+\[paraphrase\] /);
    const srs = (await run(['instruments', 'show', 'srs'])).stdout;
    expect(srs).toMatch(/\nOn screen: The free SRS\/CSRS licence covers paper-and-pencil use only\./);
    expect(srs).toContain('https://www.corc.uk.net/');
    const arm12 = (await run(['instruments', 'show', 'arm-12'])).stdout;
    expect(arm12).toMatch(/\n {2}1\s+no\s+UNCONFIRMED\s+\[paraphrase\] Bond item/);
  });

  it('adds a study instrument and its wording, then scores it and shows the wording', async () => {
    const study = await newStudy();
    const added = await run(['instruments', 'add', '--study', study, file('sc.json', SESSION_CHECK), '--json']);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({
      instrument: 'session-check',
      overridesBuiltin: false,
      path: join(study, 'instruments', 'session-check.json'),
    });
    const wording = {
      instrument: 'session-check',
      licence: 'ours',
      forms: { client: { items: { '1': 'I felt heard today.', '2': 'Today was a waste of time.' } } },
    };
    const w = await run(['instruments', 'add-wording', '--study', study, file('w.json', wording), '--json']);
    expect(w.code).toBe(0);
    expect(existsSync(join(study, 'wording', 'session-check.json'))).toBe(true);
    const shown = (await run(['instruments', 'show', 'session-check', '--study', study])).stdout;
    expect(shown).toContain('I felt heard today.');
    expect(shown).toContain('Every key, anchor and citation in this definition is confirmed');
    const csvFile = join(study, 'sc.csv');
    writeFileSync(csvFile, 'client,1,2\nc1,5,1\n');
    // item 2 reversed: 6 + 0 − 1 = 5; total 5 + 5 = 10 of 0–12 → POMP 83.33…
    const scored = JSON.parse(
      (
        await run([
          'score',
          '--instrument',
          'session-check',
          '--form',
          'client',
          '--study',
          study,
          '--in',
          csvFile,
          '--json',
        ])
      ).stdout,
    );
    expect(scored.rows[0].scales.total.score).toBe(10);
    expect(scored.rows[0].scales.total.pomp).toBeCloseTo(83.333333, 5);
  });

  it('rejects bad definition and wording files with the file and field path (exit 1)', async () => {
    const study = await newStudy();
    const bad = file('bad.json', {
      ...SESSION_CHECK,
      forms: [{ ...SESSION_CHECK.forms[0], scale: { min: 6, max: 0, source: 'x', confirmed: true } }],
    });
    const r = await run(['instruments', 'add', '--study', study, bad, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ kind: 'input', file: bad });
    expect(r.stderr).toContain(`${bad}: form 'client', scale.max: max (0) must be greater than min (6)`);
    const { citations: _none, ...uncited } = SESSION_CHECK;
    expect((await run(['instruments', 'add', '--study', study, file('session-check.json', uncited)])).code).toBe(0);
    const noItems = file('session-check.json', {
      ...uncited,
      scales: [{ id: 'heard', label: 'Heard', items: [], method: 'sum', source: 'lab', confirmed: true }],
    });
    const e = await run(['instruments', 'add', '--study', study, noItems]);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain(`${noItems}: scale 'heard', items: needs at least 1 entry`);
    expect(e.stderr).not.toMatch(/Too small|expected array/);
    const short = file('w.json', {
      instrument: 'srs',
      licence: 'x',
      forms: { client: { items: { '1': 'a', '2': 'b', '3': 'c' } } },
    });
    const w = await run(['instruments', 'add-wording', '--study', study, short]);
    expect(w.code).toBe(1);
    expect(w.stderr).toContain('forms.client.items: srs client has 4 items (1, 2, 3, 4), the file has 3; missing 4');
    const noStudy = await run(['instruments', 'add', '--study', join(tmpdir(), 'no-such-study-folder'), bad]);
    expect(noStudy.code).toBe(1);
    expect(noStudy.stderr).toContain('no study.json here');
  });
});

describe('alliance codebook', () => {
  it('writes a REDCap data dictionary for one form', async () => {
    const out = join(tempDir('codebook-'), 'dict.csv');
    const r = await run([
      'codebook',
      '--instrument',
      'wai-sr',
      '--form',
      'therapist',
      '--format',
      'csv',
      '--out',
      out,
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      instrument: 'wai-sr',
      forms: ['therapist'],
      format: 'csv',
      file: out,
    });
    const lines = readFileSync(out, 'utf8').split('\r\n');
    expect(lines[0]!.startsWith('Variable / Field Name,Form Name,Section Header,Field Type,Field Label,')).toBe(true);
    expect(lines[1]!.startsWith('wai_sr_therapist_1,wai_sr_therapist,')).toBe(true);
    expect(lines.filter((l) => l.startsWith('wai_sr_therapist_'))).toHaveLength(16); // 12 items + goal, task, bond, total
  });

  it('prints every form of an instrument as Markdown, and refuses an unknown format', async () => {
    const md = (await run(['codebook', '--instrument', 'srs', '--format', 'md'])).stdout;
    expect(md).toContain('| srs_client_1 |');
    expect(md).toContain('| srs_child_total |');
    expect(md).toContain('paraphrases in our own words');
    const bad = await run(['codebook', '--instrument', 'srs', '--format', 'pdf']);
    expect(bad.code).toBe(2);
  });
});
