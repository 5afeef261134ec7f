/**
 * The statistics, as pure functions (no I/O): `import { icc, rmcorr, fitLmm } from '@alliance-lab/core/stats'`.
 * Each lives in its own folder with its README (method, conventions, sources) and tests against published
 * values and R.
 */
export * from './distributions';
export * from './random';
export * from './icc';
export * from './alpha';
export * from './consistency';
export * from './kappa';
export * from './fleiss';
export * from './gwet-ac';
export * from './bland-altman';
export * from './correlation';
export * from './rmcorr';
export * from './within-between';
export * from './lmm';
export * from './trajectories';
export * from './ruptures';
export * from './auc';
export * from './miti';
export * from './random';
