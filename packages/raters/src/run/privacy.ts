import { isIP } from 'node:net';
import { UsageError, type StudyConfig } from '@alliance-lab/core';
import { isLoopbackHost } from '../providers/provider-context';

/**
 * Whether a host belongs to this machine or the study's private network: loopback, the private and link-local
 * address ranges (RFC 1918, RFC 4193, RFC 6598 shared space used by VPN meshes), and the hosts the study lists
 * in privacy.privateHosts ("gpu.lab.example" or "*.lab.example"). Names are never resolved: what DNS says can
 * change between the check and the request.
 */
export function isPrivateHost(hostname: string, privateHosts: readonly string[]): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLoopbackHost(h)) return true;
  for (const entry of privateHosts) {
    const e = entry.toLowerCase().trim();
    if (e === h) return true;
    if (e.startsWith('*.') && h.endsWith(e.slice(1))) return true;
  }
  const v = isIP(h);
  if (v === 4) {
    const [a, b] = h.split('.').map(Number) as [number, number];
    return (
      a === 10 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (v === 6) {
    if (h.startsWith('::ffff:')) return isPrivateHost(h.slice(7), []);
    return /^f[cd][0-9a-f]{2}:/.test(h) || /^fe[89ab][0-9a-f]:/.test(h);
  }
  return false;
}

export type TranscriptHandling = 'as-is' | 'deidentified';

/**
 * Applies study.json's remoteProviders to one rater before anything is sent. forbid: only loopback and the
 * study's private network (a rater marked remote is refused even on a loopback port: it is a tunnel);
 * deidentified: remote raters see de-identified text; allow: text goes as it is.
 */
export function transcriptHandling(
  rater: { name: string; remote: boolean; baseUrl?: string },
  study: Pick<StudyConfig, 'remoteProviders' | 'privacy'>,
): TranscriptHandling {
  if (study.remoteProviders === 'forbid' && rater.remote) {
    const host = rater.baseUrl ? new URL(rater.baseUrl).hostname : undefined;
    const declared = host !== undefined && isLoopbackHost(host);
    if (!host || declared || !isPrivateHost(host, study.privacy.privateHosts)) {
      throw new UsageError(
        `rater "${rater.name}" sends transcripts to ${host ?? 'a remote service'}${declared ? ' (marked remote in its options)' : ''}, ` +
          'but study.json sets remoteProviders to "forbid"; use a provider on this machine or add its host to privacy.privateHosts',
      );
    }
  }
  return rater.remote && study.remoteProviders === 'deidentified' ? 'deidentified' : 'as-is';
}
