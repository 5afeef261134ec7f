import { describe, expect, it } from 'vitest';
import type { ClientTrajectory, TrajectorySeries } from '../read/client-trajectory';
import type { TrajectoryRuptures } from '../read/criterion-ruptures';
import { renderSvg } from './render-svg';
import { chartedSeries, trajectorySpec } from './trajectory-spec';

function series(
  source: TrajectorySeries['source'],
  rater: string,
  instrument: string,
  form: string,
  pomps: Array<number | null>,
): TrajectorySeries {
  return {
    label: `${rater} ${instrument}`,
    source,
    rater,
    instrument,
    form,
    points: pomps.map((pomp, i) => ({ session: i + 1, score: pomp ?? 0, pomp, replicates: 1 })),
  };
}

function trajectory(over: Partial<ClientTrajectory> = {}): ClientTrajectory {
  return {
    client: 'C07',
    scale: 'total',
    sessions: [1, 2, 3].map((n) => ({ session_id: `C07/${n}`, session: n, date: null, therapist: 'T1' })),
    series: [
      series('self-report', 'client', 'wai-sr', 'client', [80, 40, 85]),
      series('self-report', 'client', 'srs', 'client', [90, 90, 90]),
      series('rater', 'lexicon', 'wai-o-s', 'observer', [60, 55, null]),
    ],
    ruptures: null,
    ...over,
  };
}

const ruptured: TrajectoryRuptures = {
  criterion: { instrument: 'wai-sr', form: 'client', scale: 'total' },
  episodes: [
    {
      client: 'C07',
      rupture: { session: 2, score: 31 },
      baseline: 'both',
      preLevel: 50,
      drop: 19,
      lowest: { session: 2, score: 31 },
      depth: 19,
      repaired: true,
      repair: { session: 3, score: 52 },
      length: 1,
      censored: false,
    },
  ],
  screening: null,
  rules: null,
  method: null,
  unavailable: null,
};

type Layer = {
  data: { values: Array<Record<string, unknown>> };
  mark: { type: string };
  encoding: { x: { scale?: { domain: number[] } } };
};
const layers = (t: ClientTrajectory) => (trajectorySpec(t) as unknown as { layer: Layer[] }).layer;

describe('trajectory chart spec', () => {
  it('plots every self-report without a criterion, only the criterion with one', () => {
    expect(chartedSeries(trajectory()).map((s) => s.instrument)).toEqual(['wai-sr', 'srs', 'wai-o-s']);
    expect(chartedSeries(trajectory({ ruptures: ruptured })).map((s) => s.instrument)).toEqual(['wai-sr', 'wai-o-s']);
  });

  it('plots POMP values, leaving out points without one', () => {
    const [lines] = layers(trajectory());
    expect(lines!.data.values).toHaveLength(8);
    expect(lines!.data.values).not.toContainEqual(expect.objectContaining({ pomp: null }));
    expect(lines!.encoding.x.scale!.domain).toEqual([1, 3]);
  });

  it('adds a rule and a label at each rupture session only when there are episodes', () => {
    expect(layers(trajectory())).toHaveLength(1);
    const withRupture = layers(trajectory({ ruptures: ruptured }));
    expect(withRupture.map((l) => l.mark.type)).toEqual(['line', 'rule', 'text']);
    expect(withRupture[2]!.data.values).toEqual([{ session: 2, label: 'rupture (repaired at 3)' }]);
  });

  it('gives a one-session client room either side, and no chart at all without values', () => {
    const one = trajectory({
      sessions: [{ session_id: 'C07/4', session: 4, date: null, therapist: 'T1' }],
      series: [series('coder', 'K1', 'wai-o-s', 'observer', [null, null, null, 50])],
    });
    expect(layers(one)[0]!.encoding.x.scale!.domain).toEqual([3, 5]);
    expect(
      trajectorySpec(trajectory({ series: [series('rater', 'lexicon', 'wai-o-s', 'observer', [null])] })),
    ).toBeNull();
  });

  it('renders to a standalone SVG on the server', async () => {
    const svg = await renderSvg(trajectorySpec(trajectory({ ruptures: ruptured }))!);
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toMatch(/<\/svg>$/);
    expect(svg).toContain('>rupture (repaired at 3)</text>');
    expect(svg).toContain('>client wai-sr</text>');
  });
});
