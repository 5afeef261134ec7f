/**
 * Box-constrained optimisers, one per file: `minimizeBounded` (projected BFGS with a Nelder–Mead restart) for
 * smooth objectives such as REML deviances, `nelderMead` (derivative-free) for kinked or noisy ones.
 */
export type { Bounds, MinimizeResult } from './bounds';
export { minimizeBounded, type MinimizeOptions } from './projected-bfgs';
export { nelderMead, type NelderMeadOptions } from './nelder-mead';
