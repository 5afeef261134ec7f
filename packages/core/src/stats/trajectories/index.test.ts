import { describe, expect, it } from 'vitest';
import { near, readGolden } from '../../../../../test/support/data';
import { fitLmm } from '../lmm';
import { mixedTrajectories, olsTrajectories } from './index';

type Lines = { client: string[]; intercept: number[]; slope: number[] };
interface Golden {
  lmm: Array<{ name: string; formula: string; data: Record<string, Array<string | number>> }>;
  trajectories: { ols: Lines; mixed: Lines; mixed_nested: Lines };
}

const golden = readGolden<Golden>('association.json');
const byName = (name: string) => golden.lmm.find((m) => m.name === name)!;

function expectLines(
  got: Array<{ client: string; intercept: number; slope: number | null }>,
  want: Lines,
  tol: number,
) {
  const map = new Map(got.map((g) => [g.client, g]));
  expect(map.size).toBe(want.client.length);
  want.client.forEach((c, i) => {
    expect(near(map.get(c)!.intercept, want.intercept[i]!, tol)).toBe(true);
    expect(near(map.get(c)!.slope!, want.slope[i]!, tol)).toBe(true);
  });
}

// test/golden/association.R: lme4::lmList(y ~ session | client) and coef() of the lmer fits (plus the
// therapist's random intercept for clients nested in therapists).
describe('trajectories agree with R', () => {
  it('per-client OLS lines (lmList)', () => {
    const d = byName('random intercept and slope').data;
    const res = olsTrajectories({ subject: d.client!, session: d.session as number[], value: d.y as number[] });
    expectLines(res.clients, golden.trajectories.ols, 1e-6);
  });

  it("the mixed model's per-client lines (coef)", () => {
    const m = byName('random intercept and slope');
    expectLines(mixedTrajectories(fitLmm(m.data, m.formula), 'session').clients, golden.trajectories.mixed, 1e-4);
  });

  it('adds the therapist intercept for clients nested in therapists', () => {
    const m = byName('client slopes within therapists');
    const res = mixedTrajectories(fitLmm(m.data, m.formula), 'session');
    expect(res.clients[0]!.includes).toEqual(['client', 'therapist']);
    expectLines(res.clients, golden.trajectories.mixed_nested, 1e-4);
  });

  it('leaves the slope undefined for a client seen once', () => {
    const res = olsTrajectories({ subject: ['a', 'b', 'b'], session: [1, 1, 2], value: [3, 4, 6] });
    expect(res.clients[0]).toMatchObject({ client: 'a', n: 1, intercept: 3, slope: null });
    expect(res.clients[1]).toMatchObject({ client: 'b', intercept: 2, slope: 2, slopeSe: null });
  });
});
