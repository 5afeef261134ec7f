import { describe, expect, it } from 'vitest';
import { builtinDefinitions, loadDefinitionFile } from './builtin';
import { InstrumentFileError } from './errors';
import { miniDefinition, tempDir, writeJson } from './test-fixtures';

function problemsOf(value: unknown, name = 'mini.json'): string[] {
  const file = writeJson(tempDir(), name, value);
  try {
    loadDefinitionFile(file);
  } catch (err) {
    expect(err).toBeInstanceOf(InstrumentFileError);
    expect((err as Error).message.startsWith(file)).toBe(true);
    return (err as InstrumentFileError).problems;
  }
  throw new Error('expected the definition to be rejected');
}

describe('definition files', () => {
  it('ships the seven instruments issue 3 names, with its scale ids', () => {
    const scales = Object.fromEntries(
      builtinDefinitions().map((d) => [d.id, [...d.scales.map((s) => s.id), ...(d.total ? ['total'] : [])]]),
    );
    expect(scales).toEqual({
      'arm-12': ['bond', 'partnership', 'confidence', 'openness'],
      'arm-28': ['bond', 'partnership', 'confidence', 'openness', 'initiative'],
      'arm-5': ['total'],
      calpas: ['pwc', 'pc', 'wsc', 'tui', 'total'],
      srs: ['total'],
      'wai-o-s': ['goal', 'task', 'bond', 'agreement', 'relationship', 'total'],
      'wai-sr': ['goal', 'task', 'bond', 'total'],
    });
  });

  it('accepts a valid study definition', () => {
    expect(loadDefinitionFile(writeJson(tempDir(), 'mini.json', miniDefinition())).forms.map((f) => f.id)).toEqual([
      'client',
      'therapist',
    ]);
  });

  it('names the field path of schema errors', () => {
    const d = miniDefinition();
    (d.forms[1]!.scale as { max: number }).max = 0;
    (d.items[0] as { keying: unknown }).keying = { reverse: 'yes', source: 'lab', confirmed: true };
    const problems = problemsOf(d);
    expect(problems).toContain("form 'therapist', scale.max: max (0) must be greater than min (1)");
    expect(problems).toContain('item \'a1\', keying.reverse: must be a boolean, not the text "yes"');
    expect(problems.join('\n')).not.toMatch(/Invalid input|expected|received/);
  });

  it('checks that scales point at items that exist on their forms', () => {
    const d = miniDefinition();
    d.scales![0]!.items = ['a1', 'zz'];
    d.scales![1]!.forms = undefined; // agree would then include b2 on the therapist form, which lacks it
    expect(problemsOf(d)).toEqual([
      'scale \'bond\', items[1]: item "zz" is not defined in items',
      'scale \'agree\', items[1]: item "b2" is not on form "therapist"',
    ]);
  });

  it('rejects a duplicate item, a scale named total and an unknown form', () => {
    const d = miniDefinition();
    d.items.push({ id: 'a1', descriptor: 'again', keying: { reverse: false, source: 'x', confirmed: false } });
    d.scales![0]!.id = 'total';
    d.items[2]!.forms = ['observer'];
    const problems = problemsOf(d);
    expect(problems).toContain('item \'a1\', id: item "a1" is defined twice');
    expect(problems).toContain("scale 'total', id: the id \"total\" is reserved for the definition's total");
    expect(problems).toContain(
      "item 'b1', forms[0]: form \"observer\" is not one of this instrument's forms (client, therapist)",
    );
  });

  it("names a missing or empty field in the file's terms, and lets a lab's own measure cite nothing", () => {
    const d = miniDefinition() as Record<string, unknown> & ReturnType<typeof miniDefinition>;
    delete (d as { citations?: unknown }).citations;
    expect(loadDefinitionFile(writeJson(tempDir(), 'mini.json', d)).citations).toEqual([]);
    d.scales![0]!.items = [];
    delete (d.items[1] as { descriptor?: string }).descriptor;
    (d.forms[0] as { respondent: string }).respondent = 'patient';
    expect(problemsOf(d)).toEqual([
      'form \'client\', respondent: must be one of "client", "therapist", "coder"',
      "item 'a2', descriptor: is required (a string)",
      "scale 'bond', items: needs at least 1 entry",
    ]);
  });

  it('requires the file name to match the id, and reports bad JSON with the file', () => {
    expect(problemsOf(miniDefinition(), 'other.json')).toEqual([
      'id: "mini" does not match the file name; name the file mini.json',
    ]);
    expect(problemsOf('{"id": "mini",', 'mini.json')[0]).toMatch(/^is not valid JSON/);
  });
});
