/** One line of `npm run bench`: what was measured, the figure, its target, and (where R ran) the ratio to R. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** e.g. "<= 20 ms" or ">= 200000 utt/s". */
  target?: string;
  /** Whether the figure meets its target (undefined when there is no target). */
  ok?: boolean;
  /** The same computation in R in the same run, when R is installed. */
  r?: { value: number; unit: string };
  note?: string;
}

export interface BenchSuite {
  name: string;
  run(): Promise<Figure[]>;
}
