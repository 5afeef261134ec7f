import { describe, expect, it } from 'vitest';
import { createOpenAIRater } from '../providers/openai/openai-rater';
import { isLoopbackHost } from '../providers/provider-context';
import { openaiContext } from '../testing/provider-test-kit';
import { isPrivateHost, transcriptHandling } from './privacy';

const study = (remoteProviders: 'forbid' | 'deidentified' | 'allow', privateHosts: string[] = []) => ({
  remoteProviders,
  privacy: { names: [], privateHosts },
});

describe('isPrivateHost', () => {
  it('knows loopback, the private ranges and listed hosts, and nothing else', () => {
    for (const h of [
      'localhost',
      '127.0.0.1',
      '127.8.0.1',
      '[::1]',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.1',
      '192.168.1.20',
      '169.254.3.4',
      '100.64.0.9',
      'fd12:3456::1',
      'fe80::1',
    ]) {
      expect(isPrivateHost(h, []), h).toBe(true);
    }
    for (const h of [
      'api.openai.com',
      '8.8.8.8',
      '172.32.0.1',
      '192.169.0.1',
      '100.128.0.1',
      '2001:db8::1',
      'gpu.lab.example',
    ]) {
      expect(isPrivateHost(h, []), h).toBe(false);
    }
    expect(isPrivateHost('gpu.lab.example', ['GPU.lab.example'])).toBe(true);
    expect(isPrivateHost('node3.lab.example', ['*.lab.example'])).toBe(true);
    expect(isPrivateHost('lab.example.evil.com', ['*.lab.example'])).toBe(false);
  });
});

describe('transcriptHandling', () => {
  const remote = { name: 'gpt', remote: true, baseUrl: 'https://api.openai.com/v1' };
  const local = { name: 'ollama', remote: false, baseUrl: 'http://127.0.0.1:11434/v1' };
  const lan = { name: 'vllm', remote: true, baseUrl: 'http://10.0.0.7:8000/v1' };

  it('forbid refuses remote services and tunnels, and lets local and private-network servers through as they are', () => {
    expect(() => transcriptHandling(remote, study('forbid'))).toThrow(/api\.openai\.com.*remoteProviders to "forbid"/);
    expect(() => transcriptHandling({ ...local, remote: true }, study('forbid'))).toThrow(/marked remote/);
    expect(transcriptHandling(local, study('forbid'))).toBe('as-is');
    expect(transcriptHandling(lan, study('forbid'))).toBe('as-is');
    expect(
      transcriptHandling({ ...remote, baseUrl: 'https://gpu.lab.example/v1' }, study('forbid', ['gpu.lab.example'])),
    ).toBe('as-is');
  });

  it('deidentified de-identifies whatever leaves the machine; allow sends as is', () => {
    expect(transcriptHandling(remote, study('deidentified'))).toBe('deidentified');
    expect(transcriptHandling(lan, study('deidentified'))).toBe('deidentified');
    expect(transcriptHandling(local, study('deidentified'))).toBe('as-is');
    expect(transcriptHandling(remote, study('allow'))).toBe('as-is');
  });
});

describe('*.localhost is not this machine', () => {
  const named = { name: 'gpt', remote: true, baseUrl: 'http://anything.localhost:8080/v1' };

  it('counts only localhost itself and literal loopback addresses as loopback', () => {
    for (const h of ['localhost', 'LOCALHOST.', '127.0.0.1', '127.255.0.9', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['anything.localhost', 'localhost.evil.com', '127.0.0.1.nip.io', '128.0.0.1', '::2'])
      expect(isLoopbackHost(h), h).toBe(false);
    expect(isPrivateHost('anything.localhost', [])).toBe(false);
    expect(isPrivateHost('anything.localhost', ['anything.localhost'])).toBe(true);
  });

  it('a rater on anything.localhost is remote: forbid refuses it, deidentified de-identifies', () => {
    const rater = createOpenAIRater(openaiContext({ name: 'gpt', model: 'm', baseUrl: named.baseUrl }));
    expect(rater.remote).toBe(true);
    expect(() => transcriptHandling(rater, study('forbid'))).toThrow(
      /sends transcripts to anything\.localhost, but study\.json sets remoteProviders to "forbid"/,
    );
    expect(transcriptHandling(rater, study('deidentified'))).toBe('deidentified');
    expect(transcriptHandling(rater, study('forbid', ['anything.localhost']))).toBe('as-is');
  });
});
