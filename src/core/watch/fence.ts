/**
 * Fencing: a host that may be cut off from the Sentinels lets go of its VIPs
 * before Sentinel, on the other side, can promote another master. Pure.
 *
 * The rule (README, "Fencing"): fence when, for the fence time, no strict
 * majority of the configured Sentinels answered AND the Sentinels that may
 * still be alive out of this host's sight could make up a majority. A
 * Sentinel whose connection attempts are refused (its host answers with a TCP
 * RST: the process is gone) cannot vote, so it cannot be on the other side of
 * a partition; one that times out, or whose host or network is unreachable,
 * may be. When fewer than a majority of the Sentinels can be alive, no
 * failover can happen without this host: fencing is skipped (it would only
 * take the VIP off a healthy master).
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

/** The fence time never drops below this many Sentinel ping periods (a Sentinel answering every ping is never "unreachable"). */
export const FENCE_MIN_PINGS = 5;

/**
 * The fence time in ms for a setting (auto/number), Sentinel's
 * down-after-milliseconds (the majority's, see timings.ts) and the ping
 * period; null = never fence. At least FENCE_MIN_PINGS ping periods.
 */
export function fenceAfter(setting: 'auto' | number, downAfterMs: number | undefined, pingMs = 0): number | null {
  if (setting === 0) return null;
  const ms = setting === 'auto' ? (downAfterMs ?? DEFAULT_DOWN_AFTER_MS) : setting;
  return Math.max(ms, FENCE_MIN_PINGS * pingMs);
}

/** Sentinel's own defaults, used until a majority of the Sentinels has answered SENTINEL MASTERS. */
export const DEFAULT_DOWN_AFTER_MS = 30_000;
export const DEFAULT_FAILOVER_TIMEOUT_MS = 180_000;

/** What one Sentinel's last failure says: `refused` = its host answered, nothing listens (cannot vote); `silent` = may be alive where this host cannot see it. */
export type FailureKind = 'refused' | 'silent';

/** From a connection error's code (or, when there is none, its message). A firewall that REJECTs with a TCP RST looks refused too (README). */
export function failureKind(codeOrMessage: string | undefined): FailureKind {
  return /\bECONNREFUSED\b/.test(codeOrMessage ?? '') ? 'refused' : 'silent';
}

/** One configured Sentinel as the watcher last saw it. */
export interface SentinelSeen {
  /** Epoch ms of its last answer (PING, query, message, subscription); -Infinity if none. */
  lastOkAt: number;
  /** Epoch ms of its last refused connection attempt, when that was its last failure and came after lastOkAt; else -Infinity. */
  refusedAt: number;
}

/**
 * How fresh a refusal must be to count: the link retries a refusing Sentinel
 * every ping period, so a dead one is refused again and again; a host cut off
 * meanwhile stops refusing (its attempts time out or are unreachable) and,
 * this long after its last refusal, counts as possibly alive again.
 */
export function refusedFreshMs(pingMs: number): number {
  return Math.max(5 * pingMs, 500);
}

export type FenceState =
  /** watch.fenceAfterMs 0 */
  | { state: 'off' }
  /** A majority answered within the fence time. */
  | { state: 'ok' }
  | { state: 'fence'; reason: string; refusing: number }
  | { state: 'fence-skipped'; reason: string; refusing: number };

/** The fence rule for what is known of each Sentinel now, given that no majority answered: fence, or skip it and why. */
export function fenceRule(refusing: number, total: number): { state: 'fence' | 'fence-skipped'; why: string } {
  const k = Math.floor(total / 2) + 1;
  const alive = total - refusing;
  if (alive < k) {
    return { state: 'fence-skipped', why: `${refusing} of ${total} sentinels refuse connections (their hosts answer, the processes are gone): at most ${alive} can vote, a failover needs ${k}; none can happen without this host` };
  }
  return { state: 'fence', why: `${alive} of ${total} sentinels may be alive (${refusing} refuse connections), enough for a failover without this host` };
}

/**
 * What the rule says of one round of answers (`status`): `reached` Sentinels
 * answered, `refusing` refused the connection, of `total`; as the watcher
 * would decide if it lasted the fence time.
 */
export function fenceNow(reached: number, refusing: number, total: number): { state: 'ok' | 'fence' | 'fence-skipped'; why: string } {
  if (reached * 2 > total) return { state: 'ok', why: `${reached} of ${total} sentinels answer: a majority` };
  return fenceRule(refusing, total);
}

/**
 * The fence state at `now`. `since`: when the watcher started (a watcher
 * that never reached a majority counts from its start); `freshMs`: see
 * refusedFreshMs.
 */
export function fenceState(seen: readonly SentinelSeen[], now: number, fenceAfterMs: number | null, since: number, freshMs: number): FenceState {
  if (fenceAfterMs === null) return { state: 'off' };
  const total = seen.length;
  const k = Math.floor(total / 2) + 1;
  const at = Math.max(majoritySeenAt(seen.map((s) => s.lastOkAt), total), since);
  if (now - at < fenceAfterMs) return { state: 'ok' };
  const reachable = seen.filter((s) => now - s.lastOkAt < fenceAfterMs).length;
  const refusing = seen.filter((s) => now - s.refusedAt <= freshMs && s.refusedAt > s.lastOkAt).length;
  const r = fenceRule(refusing, total);
  return { state: r.state, refusing, reason: `no majority of sentinels (${k} of ${total}) reachable for ${Math.round(now - at)} ms (fence after ${fenceAfterMs} ms; ${reachable} reachable); ${r.why}` };
}

/** Why the host is fenced at `now`, or null (the `fence` state only). */
export function fenced(seen: readonly SentinelSeen[], now: number, fenceAfterMs: number | null, since: number, freshMs: number): string | null {
  const f = fenceState(seen, now, fenceAfterMs, since, freshMs);
  return f.state === 'fence' ? f.reason : null;
}
