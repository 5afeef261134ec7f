import { startLoopbackServer, validAnswer } from '@alliance-lab/raters/testing';

/**
 * Child process of raters-http.bench.ts: the loopback model server on its own core, so the figure measures the
 * rating pipeline rather than the two sharing one event loop. Prints its URL as one JSON line, then serves until
 * killed. argv: latency in ms.
 */
const latencyMs = Number(process.argv[2] ?? 0);
const output = validAnswer();
const server = await startLoopbackServer({
  latencyMs,
  record: false,
  handler: () => ({ kind: 'answer', output, usage: { input: 900, output: 400, cached: 0 } }),
});
process.stdout.write(`${JSON.stringify({ url: server.openaiBaseUrl })}\n`);
