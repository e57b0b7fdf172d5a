/** The masters Sentinel names by host name (announce-hostnames yes), resolved once each under a deadline (reconcile, status, watch). */
import { isHostName } from '../core/address';
import { masterHost, type SentinelView } from '../core/sentinel-view';
import type { Resolved } from '../core/desired';

/** Deadline of the resolution of the masters' host names. */
export const RESOLVE_TIMEOUT_MS = 1000;

export async function resolveMasterNames(views: Iterable<Pick<SentinelView, 'master'>>): Promise<Resolved> {
  const names = [...views].map((v) => (v.master === null ? null : masterHost(v.master))).filter((h): h is string => h !== null && isHostName(h));
  // The resolver is loaded only when a name must be resolved.
  return names.length > 0 ? (await import('../adapters/resolve')).resolveNames(names, RESOLVE_TIMEOUT_MS) : new Map();
}
