import type { Study } from '@alliance-lab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app';
import { isLoopback, loopbackNames } from './host-check';
import { createTestStudy } from './testing/test-study';

let study: Study;
beforeAll(async () => {
  study = await createTestStudy();
});
afterAll(() => study.close());

describe('host check', () => {
  it('answers requests addressed to the loopback names and refuses others (DNS rebinding)', async () => {
    const app = createApp(study, { allowedHosts: loopbackNames('127.0.0.1') });
    for (const url of [
      'http://127.0.0.1:8080/api/status',
      'http://localhost:8080/api/status',
      'http://[::1]:8080/api/status',
      'http://LOCALHOST/',
    ]) {
      expect((await app.request(url)).status, url).toBe(200);
    }
    for (const url of [
      'http://attacker.example:8080/api/status',
      'http://127.0.0.1.attacker.example/api/status',
      'http://192.168.1.5:8080/',
    ]) {
      const res = await app.request(url);
      expect(res.status, url).toBe(403);
      expect(await res.text()).toBe('this server answers requests for localhost, 127.0.0.1, [::1] only');
    }
  });

  it('answers any host when no list is given', async () => {
    expect((await createApp(study).request('http://study-box.lab.internal/api/status')).status).toBe(200);
  });

  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LocalHost', '::1', '[::1]'])
      expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.5', '127.0.0.1.example', 'example.com'])
      expect(isLoopback(h), h).toBe(false);
    expect(loopbackNames('127.0.0.2')).toEqual(['localhost', '127.0.0.1', '[::1]', '127.0.0.2']);
    expect(loopbackNames('::1')).toEqual(['localhost', '127.0.0.1', '[::1]']);
  });
});
