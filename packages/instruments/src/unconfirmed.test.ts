import { describe, expect, it } from 'vitest';
import { builtinDefinitions } from './builtin';
import { unconfirmedFacts } from './unconfirmed';

const def = (id: string) => builtinDefinitions().find((d) => d.id === id)!;

describe('unconfirmed facts', () => {
  it('lists the WAI-SR-T key as unconfirmed but not the client subscale key', () => {
    const facts = unconfirmedFacts(def('wai-sr'));
    const scales = facts.filter((f) => f.what.startsWith('scale '));
    expect(scales.map((f) => `${f.form} ${f.what}`)).toEqual([
      'therapist scale goal (items 4, 6, 8, 11; sum)',
      'therapist scale task (items 1, 2, 10, 12; sum)',
      'therapist scale bond (items 3, 5, 7, 9; sum)',
      'therapist scale total (items 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12; sum)',
    ]);
    expect(facts.some((f) => f.form === 'therapist' && f.what === 'response scale')).toBe(true);
  });

  it('no longer lists the WAI-O-S reversals (now sourced) but still every WAI-O-S and CALPAS scale key', () => {
    const obs = unconfirmedFacts(def('wai-o-s')).map((f) => f.what);
    expect(obs.filter((w) => w.startsWith('item '))).toEqual([]);
    expect(obs).toContain('scale agreement (items 1, 2, 4, 5, 6, 8, 10, 11, 12; mean)');
    expect(obs).toContain('scale relationship (items 3, 7, 9; mean)');
    const arm12 = unconfirmedFacts(def('arm-12')).filter((f) => f.what.startsWith('scale '));
    // 4 subscales on 2 forms, all placeholders
    expect(arm12).toHaveLength(8);
    const calpas = unconfirmedFacts(def('calpas')).filter((f) => f.what.startsWith('scale '));
    // 5 scored scales (pwc, pc, wsc, tui, total) on 3 forms
    expect(calpas).toHaveLength(15);
  });

  it('does not list the confirmed ARM-5 client key', () => {
    const client = unconfirmedFacts(def('arm-5')).filter((f) => f.form === 'client');
    expect(client.some((f) => f.what.startsWith('item 3 keying') || f.what.startsWith('scale total'))).toBe(false);
  });
});
