import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from './loopback-server';

/**
 * One loopback server per test file, reset before every test (and given a default handler when `onReset` sets
 * one). The returned object forwards to the server started in beforeAll, so tests write `server.enqueue(...)`
 * at module level without a mutable `let` in every file.
 */
export function useLoopbackServer(onReset?: (server: LoopbackServer) => void): LoopbackServer {
  let current: LoopbackServer | undefined;
  beforeAll(async () => {
    current = await startLoopbackServer();
  });
  afterAll(() => current?.close());
  beforeEach(() => {
    current!.reset();
    onReset?.(current!);
  });
  return new Proxy({} as LoopbackServer, {
    get(_target, prop) {
      if (!current) throw new Error('the loopback server starts in beforeAll; use it inside tests');
      const value = Reflect.get(current, prop, current);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}
