import { describe, expect, it } from 'vitest';
import { builtinDefinitions } from '../builtin';
import type { Wording } from '../wording';
import { codebookNotes, codebookRows, renderHtml, renderMarkdown, renderRedcapCsv, REDCAP_COLUMNS } from './index';

const def = (id: string) => builtinDefinitions().find((d) => d.id === id)!;

/** Splits the renderer's output; its fields never hold a quoted line break. */
function parseSimpleCsv(text: string): string[][] {
  return text
    .trimEnd()
    .split('\r\n')
    .map((line) => {
      const out: string[] = [];
      let cur = '';
      let q = false;
      for (let i = 0; i < line.length; i++) {
        const c = line[i]!;
        if (q && c === '"' && line[i + 1] === '"') (cur += '"'), i++;
        else if (c === '"') q = !q;
        else if (c === ',' && !q) out.push(cur), (cur = '');
        else cur += c;
      }
      out.push(cur);
      return out;
    });
}

describe('codebook rows', () => {
  const rows = codebookRows([{ definition: def('wai-sr'), form: 'client' }]);

  it('lists every item in order, then every scale, with instrument_form_part names', () => {
    // 12 items + goal, task, bond + total
    expect(rows.map((r) => r.name)).toEqual([
      ...Array.from({ length: 12 }, (_, i) => `wai_sr_client_${i + 1}`),
      'wai_sr_client_goal',
      'wai_sr_client_task',
      'wai_sr_client_bond',
      'wai_sr_client_total',
    ]);
  });

  it('describes range, keying, scoring and missing data', () => {
    const goal = rows.find((r) => r.name === 'wai_sr_client_goal')!;
    // 4 items on 1–5 summed: 4–20; 75% of 4 = 3 items needed
    expect(goal).toMatchObject({
      kind: 'scale',
      min: 4,
      max: 20,
      confirmed: true,
      missing: 'blank when fewer than 3 items are answered',
    });
    expect(goal.scoring).toBe(
      'sum of items 4, 6, 8, 11; scored when at least 3 of 4 are answered (prorated: mean of answered × 4)',
    );
    const item1 = rows[0]!;
    expect(item1).toMatchObject({
      kind: 'item',
      type: 'integer',
      min: 1,
      max: 5,
      labelKind: 'paraphrase',
      keying: 'not reversed',
      scoring: 'counts toward task, total',
    });
    expect(item1.label).toMatch(/^\[paraphrase\] /);
  });

  it('shows reversal with its formula and marks unconfirmed keys', () => {
    const obs = codebookRows([{ definition: def('wai-o-s'), form: 'observer' }]);
    expect(obs.find((r) => r.name === 'wai_o_s_observer_4')!.keying).toBe('reversed before scoring (8 − x)');
    const arm12 = codebookRows([{ definition: def('arm-12'), form: 'client' }]);
    expect(arm12.find((r) => r.name === 'arm_12_client_1')!.keying).toBe('not reversed [UNCONFIRMED]');
    const agreement = obs.find((r) => r.name === 'wai_o_s_observer_agreement')!;
    expect(agreement.scoring).toMatch(/^mean of items 1, 2, 4, 5, 6, 8, 10, 11, 12; .*\[UNCONFIRMED KEY\]$/);
    expect(agreement.keying).toBe('items 4, 10 reversed');
    expect(agreement.confirmed).toBe(false);
  });

  it('uses installed wording for labels', () => {
    const wording: Wording = {
      instrument: 'srs',
      licence: 'ICCE licence 2026',
      language: 'en',
      forms: { client: { items: { '1': 'L1', '2': 'L2', '3': 'L3', '4': 'L4' } } },
    };
    const srs = codebookRows([{ definition: def('srs'), form: 'client', wording }]);
    expect(srs.slice(0, 4).map((r) => [r.label, r.labelKind])).toEqual([
      ['L1', 'wording'],
      ['L2', 'wording'],
      ['L3', 'wording'],
      ['L4', 'wording'],
    ]);
    expect(srs[4]).toMatchObject({
      name: 'srs_client_total',
      scoring: 'sum of items 1, 2, 3, 4; all 4 items required',
      missing: 'blank when any item is missing',
    });
    expect(codebookNotes([{ definition: def('srs'), form: 'client', wording }])).toContain(
      'srs client: item labels are licensed wording (ICCE licence 2026).',
    );
  });
});

describe('codebook notes', () => {
  it("says each instrument's notes once, however many raters score the same form", () => {
    const entry = { definition: def('wai-o-s'), form: 'observer' };
    const notes = codebookNotes([entry, entry, entry, entry, entry, { definition: def('wai-sr'), form: 'client' }]);
    expect(new Set(notes).size).toBe(notes.length);
    expect(notes.filter((n) => n.startsWith('wai-o-s observer: item labels'))).toHaveLength(1);
    expect(notes.filter((n) => n.startsWith('Working Alliance Inventory – Observer'))).toHaveLength(1);
    expect(notes.filter((n) => n.startsWith('wai-sr client: '))).toHaveLength(2);
  });
});

describe('REDCap data dictionary CSV', () => {
  const table = parseSimpleCsv(
    renderRedcapCsv(
      codebookRows([
        { definition: def('wai-sr'), form: 'client' },
        { definition: def('srs'), form: 'child' },
      ]),
    ),
  );
  const header = table[0]!;
  const row = (name: string) => Object.fromEntries(header.map((h, i) => [h, table.find((r) => r[0] === name)![i]]));

  it('has exactly REDCap columns, one row per variable', () => {
    expect(header).toEqual([...REDCAP_COLUMNS]);
    expect(header).toHaveLength(18);
    expect(table).toHaveLength(1 + 16 + 5); // header + WAI-SR client (12 + 4) + CSRS (4 + total)
  });

  it('makes Likert items radio fields with coded choices and a section header per form', () => {
    const r = row('wai_sr_client_1');
    expect(r['Form Name']).toBe('wai_sr_client');
    expect(r['Section Header']).toBe('WAI-SR (wai-sr, client form)');
    expect(r['Field Type']).toBe('radio');
    expect(r['Choices, Calculations, OR Slider Labels']).toBe(
      '1, Seldom | 2, Sometimes | 3, Fairly often | 4, Very often | 5, Always',
    );
    expect(r['Field Note']).toBe('not reversed; blank = not answered');
    expect(row('wai_sr_client_2')['Section Header']).toBe('');
  });

  it('makes 0–10 one-decimal lines validated number fields and scales read-only numbers', () => {
    const line = row('srs_child_1');
    expect(line).toMatchObject({
      'Field Type': 'text',
      'Text Validation Type OR Show Slider Number': 'number_1dp',
      'Text Validation Min': '0',
      'Text Validation Max': '10',
    });
    expect(line['Section Header']).toBe('CSRS (srs, child form)');
    const total = row('wai_sr_client_total');
    expect(total).toMatchObject({
      'Field Type': 'text',
      'Text Validation Type OR Show Slider Number': 'number',
      'Text Validation Min': '12',
      'Text Validation Max': '60',
    });
    expect(total['Field Annotation']).toBe('@READONLY computed by alliance score');
  });
});

describe('Markdown and HTML codebooks', () => {
  const rows = codebookRows([{ definition: def('arm-5'), form: 'client' }]);

  it('renders the codebook columns as a Markdown table', () => {
    const md = renderMarkdown(rows, { title: 'ARM-5', notes: ['a note'] }).split('\n');
    expect(md[0]).toBe('# ARM-5');
    expect(md).toContain('- a note');
    expect(md).toContain(
      '| name | label | instrument | form | item or scale | type | range | anchors | keying | scoring | missing codes |',
    );
    const item3 = md.find((l) => l.startsWith('| arm_5_client_3 |'))!;
    expect(item3).toContain('| reversed before scoring (8 − x) |');
    expect(item3).toContain(
      '| 1 = strongly disagree; 2 = disagree; 3 = slightly disagree; 4 = neutral; 5 = slightly agree; 6 = agree; 7 = strongly agree |',
    );
  });

  it('renders escaped HTML and marks unconfirmed rows', () => {
    const html = renderHtml(codebookRows([{ definition: def('calpas'), form: 'observer' }]), {
      title: 'CALPAS <observer>',
    });
    expect(html).toContain('<title>CALPAS &lt;observer&gt;</title>');
    expect(html.match(/<tr class="unconfirmed">/g)!.length).toBe(24 + 5); // every item and scale key is unconfirmed
    expect(html).toContain('<td>calpas_observer_pwc</td>');
  });
});
