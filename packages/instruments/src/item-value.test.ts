import { describe, expect, it } from 'vitest';
import { builtinDefinitions } from './builtin';
import { formView } from './form-view';
import { describeIds, itemValueError, parseItemValue } from './item-value';

const view = (id: string, form: string) => formView(builtinDefinitions().find((d) => d.id === id)!, form);

describe('item values', () => {
  it('parses valid values and blanks', () => {
    const wai = view('wai-sr', 'client');
    expect(parseItemValue(wai, '1', '4')).toEqual({ ok: true, value: 4 });
    expect(parseItemValue(wai, '1', ' 5 ')).toEqual({ ok: true, value: 5 });
    expect(parseItemValue(wai, '1', '4.0')).toEqual({ ok: true, value: 4 });
    expect(parseItemValue(wai, '1', '')).toEqual({ ok: true, value: null });
    expect(parseItemValue(view('srs', 'client'), '2', '9.9')).toEqual({ ok: true, value: 9.9 });
  });

  it('gives undefined for a valid value and the reason otherwise', () => {
    const wai = view('wai-sr', 'therapist');
    expect(itemValueError(wai, '12', '1')).toBeUndefined();
    expect(itemValueError(wai, '12', '1e0')).toBe('"1e0" is not a number');
    expect(itemValueError(wai, '12', 'NaN')).toBe('"NaN" is not a number');
    expect(itemValueError(wai, '0', '1')).toBe('unknown item "0"; wai-sr therapist items are 1–12');
    expect(itemValueError(view('wai-o-s', 'observer'), '3', 8)).toBe('8 is above the scale maximum 7');
  });

  it('refuses a plus sign on a scale without negative points, and accepts it on one with them', () => {
    expect(itemValueError(view('wai-sr', 'client'), '1', '+3')).toMatch(/^"\+3" has a plus sign/);
    expect(itemValueError(view('srs', 'client'), '1', '+9.5')).toMatch(/^"\+9.5" has a plus sign/);
    const bipolar = view('wai-sr', 'client');
    const centred = { ...bipolar, form: { ...bipolar.form, scale: { ...bipolar.form.scale, min: -3, max: 3 } } };
    expect(parseItemValue(centred, '1', '+3')).toEqual({ ok: true, value: 3 });
    expect(parseItemValue(centred, '1', '-2')).toEqual({ ok: true, value: -2 });
  });

  it('describes id runs compactly and other id lists in full', () => {
    expect(describeIds(['1', '2', '3', '4'])).toBe('1–4');
    expect(describeIds(['a1', 'a2', 'b1'])).toBe('a1, a2, b1');
    expect(describeIds(['1', '3', '4'])).toBe('1, 3, 4');
  });
});
