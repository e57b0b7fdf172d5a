/**
 * Fencing: a host that cannot reach a majority of the configured Sentinels
 * for the fence time lets go of its VIPs, so that a host cut off from the
 * cluster gives the VIP up before Sentinel (on the other side) can promote
 * another master. Pure.
 */

/**
 * The last moment a strict majority of `total` Sentinels was known reachable:
 * the k-th most recent "last answered" time, k = floor(total/2)+1.
 * -Infinity when a majority never answered.
 */
export function majoritySeenAt(lastOk: readonly number[], total: number): number {
  const k = Math.floor(total / 2) + 1;
  const sorted = [...lastOk].sort((a, b) => b - a);
  return sorted.length >= k ? sorted[k - 1]! : -Infinity;
}

/** The fence time in ms for a setting (auto/number) and Sentinel's down-after-milliseconds; null = never fence. */
export function fenceAfter(setting: 'auto' | number, downAfterMs: number | undefined): number | null {
  if (setting === 'auto') return downAfterMs ?? DEFAULT_DOWN_AFTER_MS;
  return setting === 0 ? null : setting;
}

/** Sentinel's own defaults, used until SENTINEL MASTER has answered. */
export const DEFAULT_DOWN_AFTER_MS = 30_000;
export const DEFAULT_FAILOVER_TIMEOUT_MS = 180_000;

/**
 * Why the host is fenced at `now`, or null. `since`: when the watcher started
 * (a watcher that never reached a majority counts from its start).
 */
export function fenced(lastOk: readonly number[], total: number, now: number, fenceAfterMs: number | null, since: number): string | null {
  if (fenceAfterMs === null) return null;
  const seen = Math.max(majoritySeenAt(lastOk, total), since);
  const k = Math.floor(total / 2) + 1;
  if (now - seen < fenceAfterMs) return null;
  const reachable = lastOk.filter((t) => now - t < fenceAfterMs).length;
  return `no majority of sentinels (${k} of ${total}) reachable for ${Math.round(now - seen)} ms (fence after ${fenceAfterMs} ms; ${reachable} reachable)`;
}
