import type { Study } from '@alliance-lab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app';
import { createTestStudy } from './testing/test-study';
import { storeKinds, useStore } from '../../../test/support/stores';

describe.each(storeKinds)('app on %s', (kind) => {
  const store = useStore(kind, { shared: true });
  let study: Study;
  beforeAll(async () => {
    study = await createTestStudy();
  });
  afterAll(() => study.close());

  describe('app', () => {
    it('allows only its own scripts, no remote resources, and keeps responses out of caches', async () => {
      for (const path of ['/', '/clients/C01', '/api/status']) {
        const res = await createApp(study).request(path);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-security-policy')).toBe(
          "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        );
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(res.headers.get('strict-transport-security')).toBeNull();
      }
    });

    it('answers unknown paths with JSON under /api and a page elsewhere', async () => {
      const app = createApp(study);
      const api = await app.request('/api/nothing');
      expect(api.status).toBe(404);
      expect(await api.json()).toEqual({ error: { kind: 'not-found', message: 'nothing at /api/nothing' } });
      const page = await app.request('/nothing');
      expect(page.status).toBe(404);
      expect(await page.text()).toContain('<p>nothing at /nothing</p>');
    });

    it('is read-only: a write to a route answers 405 with the methods it allows, an unknown path still 404', async () => {
      const app = createApp(study);
      for (const path of ['/api/scores', '/api/clients/C01/trajectory', '/clients/C01', '/']) {
        for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
          const res = await app.request(path, { method });
          expect(res.status, `${method} ${path}`).toBe(405);
          expect(res.headers.get('allow')).toBe('GET, HEAD');
        }
      }
      const api = await app.request('/api/scores', { method: 'POST' });
      expect(await api.json()).toEqual({
        error: { kind: 'usage', message: 'POST is not allowed on /api/scores; it answers GET' },
      });
      expect((await app.request('/api/nothing', { method: 'POST' })).status).toBe(404);
      expect((await app.request('/api/status', { method: 'HEAD' })).status).toBe(200);
    });

    it('reports an unexpected failure to onError and answers 500 without its details', async () => {
      const broken = await store.apart(() => createTestStudy());
      await broken.close();
      const errors: string[] = [];
      const res = await createApp(broken, { onError: (m) => errors.push(m) }).request('/api/status');
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({
        error: { kind: 'internal', message: 'internal error; the server log has the details' },
      });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^GET \/api\/status: /);
    });
  });
});
