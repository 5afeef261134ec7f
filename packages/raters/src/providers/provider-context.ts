import { UsageError, type RaterConfig } from '@alliance-lab/core';
import type { ChatPromptBuilder } from './chat-prompt';

/** What a model provider's factory receives: the named configuration, the environment, and its prompt. */
export interface ProviderContext {
  /** The study's name for this configuration (a key of study.json "raters"). */
  name: string;
  config: RaterConfig;
  /** Read for API keys and base URLs; never written to logs. */
  env: Record<string, string | undefined>;
  prompt: { version: string; hash: string; build: ChatPromptBuilder };
}

/** Hosts a request can reach without leaving the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * Whether requests leave the machine. A loopback URL normally does not; `options.remote: true` says it does
 * anyway (an SSH tunnel to a rented GPU, a port forwarded to a cloud server). Nothing can declare a non-loopback
 * host local: that would defeat de-identification.
 */
export function isRemote(baseUrl: string, config: RaterConfig): boolean {
  return config.options.remote === true || !isLoopbackHost(new URL(baseUrl).hostname);
}

/** The base URL a provider will call, checked: an environment variable is not validated by study.json's schema. */
export function checkedBaseUrl(name: string, url: string, from: string): string {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(`rater "${name}": ${from} is not an http(s) URL`);
  }
  return url.replace(/\/+$/, '');
}
