import { isIP } from 'node:net';
import { UsageError } from '@alliance-lab/core';
import type { ChatPromptBuilder } from './chat-prompt';
import type { RaterConfig } from './rater-config';

/** A model provider's parsed configuration: the shared fields, and options that say where its endpoint is. */
export type ModelConfig = RaterConfig & { options: { apiKeyEnv?: string | undefined; remote: boolean } };

/** What a model provider's rater receives: the named configuration, the environment, and its prompt. */
export interface ProviderContext<C extends ModelConfig = ModelConfig> {
  /** The study's name for this configuration (a key of study.json "raters"). */
  name: string;
  config: C;
  /** Read for API keys and base URLs; never written to logs. */
  env: Record<string, string | undefined>;
  prompt: { version: string; hash: string; build: ChatPromptBuilder };
}

/**
 * Hosts a request can reach without leaving the machine: `localhost` itself and literal loopback addresses
 * (127.0.0.0/8, ::1, IPv4-mapped 127/8). Not `*.localhost`: RFC 6761 asks resolvers to keep such names on the
 * machine, but the system resolver may send them to the network's DNS, so a name is never trusted to be local.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
  if (h === 'localhost') return true;
  const v = isIP(h);
  if (v === 4) return h.startsWith('127.');
  if (v === 6) {
    if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped !== null && mapped[1]!.startsWith('127.');
  }
  return false;
}

/**
 * Whether requests leave the machine. A loopback URL normally does not; `options.remote: true` says it does
 * anyway (an SSH tunnel to a rented GPU, a port forwarded to a cloud server). Nothing can declare a non-loopback
 * host local: that would defeat de-identification.
 */
export function isRemote(baseUrl: string, markedRemote: boolean): boolean {
  return markedRemote || !isLoopbackHost(new URL(baseUrl).hostname);
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

export interface Endpoint {
  baseUrl: string;
  remote: boolean;
  /** The key from the environment, or a placeholder for servers that need none (the SDKs insist on one). */
  apiKey: string;
}

/**
 * Where a model provider sends requests and with which key: the rater's baseUrl, else the provider's
 * environment variable, else its public API. A key is required only for the public API; local servers
 * (Ollama, llama.cpp, vLLM without --api-key) need none. The key's variable can be renamed with
 * `options.apiKeyEnv`.
 */
export function resolveEndpoint(
  ctx: ProviderContext<ModelConfig>,
  provider: { api: string; baseUrlEnv: string; keyEnv: string; defaultBaseUrl: string },
): Endpoint {
  const { config, env, name } = ctx;
  const from =
    config.baseUrl !== undefined
      ? 'its baseUrl'
      : env[provider.baseUrlEnv] !== undefined
        ? provider.baseUrlEnv
        : 'the default URL';
  const baseUrl = checkedBaseUrl(name, config.baseUrl ?? env[provider.baseUrlEnv] ?? provider.defaultBaseUrl, from);
  const keyEnv = config.options.apiKeyEnv ?? provider.keyEnv;
  const apiKey = env[keyEnv];
  if (!apiKey && baseUrl === provider.defaultBaseUrl) {
    throw new UsageError(`rater "${name}" calls the ${provider.api} API; set ${keyEnv} in the environment`);
  }
  return { baseUrl, remote: isRemote(baseUrl, config.options.remote), apiKey: apiKey || 'no-key-needed' };
}
