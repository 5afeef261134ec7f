import { describe, expect, it } from 'vitest';
import { builtinDefinitions } from './builtin';
import { formView, scaleRange } from './form-view';
import { scoreView } from './score';

/** mulberry32: a small seeded generator so a failure reproduces exactly. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('every score stays within its definition range (seeded random valid responses)', () => {
  for (const def of builtinDefinitions()) {
    for (const form of def.forms) {
      it(`${def.id} ${form.id}`, () => {
        const view = formView(def, form.id);
        const { min, max, decimals } = form.scale;
        const steps = Math.round((max - min) * 10 ** decimals);
        const next = rng(def.id.length * 7919 + form.id.length);
        let scored = 0;
        for (let n = 0; n < 300; n++) {
          // Extremes often, so the bounds themselves are exercised; some items left blank to reach proration.
          const mode = next();
          const values: Record<string, string> = {};
          for (const it of view.items) {
            if (next() < 0.15) continue;
            const k = mode < 0.1 ? 0 : mode < 0.2 ? steps : Math.floor(next() * (steps + 1));
            values[it.id] = (min + k / 10 ** decimals).toFixed(decimals);
          }
          const r = scoreView(view, values);
          expect(r.errors).toEqual([]);
          for (const s of view.scales) {
            const got = r.scales[s.id]!;
            const range = scaleRange(view, s);
            if (got.missing) {
              expect(got.score).toBeNull();
              continue;
            }
            scored++;
            expect(got.score!).toBeGreaterThanOrEqual(range.min - 1e-9);
            expect(got.score!).toBeLessThanOrEqual(range.max + 1e-9);
            expect(got.pomp!).toBeGreaterThanOrEqual(0);
            expect(got.pomp!).toBeLessThanOrEqual(100);
          }
        }
        expect(scored).toBeGreaterThan(0);
      });
    }
  }
});
