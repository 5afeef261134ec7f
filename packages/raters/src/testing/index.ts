/**
 * `@alliance-lab/raters/testing`: what benchmarks and other packages' tests need to exercise raters without the
 * internet — the loopback server that speaks the providers' wire formats, and a small study with an answer valid
 * for it. The vitest helpers beside them (`useLoopbackServer`, the provider test kit) stay package-local: they
 * register test hooks, so a benchmark run outside vitest cannot load them.
 */
export {
  startLoopbackServer,
  type Api,
  type BatchScript,
  type Handler,
  type LoopbackServer,
  type LoopbackServerOptions,
  type ReceivedRequest,
  type Reply,
  type TokenCounts,
} from './loopback-server';
export { createFixtureStudy, NAMES, sessionUtterances, validAnswer, type FixtureOptions } from './study-fixture';
