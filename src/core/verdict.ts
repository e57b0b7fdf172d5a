/**
 * `vipctl status`: is this host in the state Sentinel's majority asks for?
 * Pure. The verdict is about this host only: "ok" on a replica that holds no
 * VIP is the right answer even when the master's host lacks it (its own
 * status says should-bind).
 */
/** `held`: a maintenance hold (`vipctl hold`) is on: vipctl leaves the VIP here as it is, whatever the rest says. */
/** `conflict`: the VIP is bound here, Sentinel's master is here, and another host answers for it too (a foreign holder). */
export type Verdict = 'ok' | 'should-bind' | 'should-unbind' | 'unknown' | 'held' | 'conflict';

export interface VerdictInput {
  /** `ip:port` a majority of Sentinels agrees on, else null. */
  sentinelMaster: string | null;
  /** Is the Sentinel master's address one of this host's own addresses? null: cannot tell (a host name that did not resolve, a loopback...). */
  masterIsHere: boolean | null;
  /** Why masterIsHere is null (core/desired's reason). */
  whyUnknown?: string;
  boundHere: boolean;
  /** ROLE of this host's Redis: true master, false replica, null unknown (not reachable, no Redis here). */
  localIsMaster: boolean | null;
  /** A maintenance hold on this master here, described (core/hold describeHold). */
  hold?: string;
  /** MACs not of this host that answered the probe for the VIP while it is bound here. */
  foreignMacs?: readonly string[];
}

export interface VerdictResult {
  verdict: Verdict;
  reason: string;
}

export function verdictOf(i: VerdictInput): VerdictResult {
  if (i.hold !== undefined) {
    const { hold, ...rest } = i;
    const without = verdictOf(rest);
    return { verdict: 'held', reason: `${hold}; without it: ${without.verdict} (${without.reason})` };
  }
  if (i.sentinelMaster === null) return { verdict: 'unknown', reason: 'no majority of Sentinels agrees on a master' };
  const where = `Sentinel's master is ${i.sentinelMaster}`;
  if (i.masterIsHere === null) return { verdict: 'unknown', reason: `${where}, and vipctl cannot tell whether that is this host: ${i.whyUnknown ?? 'not an address of one host'}` };
  if (i.masterIsHere) {
    if (i.localIsMaster === false) return { verdict: 'unknown', reason: `${where} (this host), but this host's Redis says it is a replica: failover in progress?` };
    if (i.boundHere && i.foreignMacs && i.foreignMacs.length > 0) return { verdict: 'conflict', reason: `${where} (this host) and the VIP is bound here, but another host answers for it too (${i.foreignMacs.join(', ')})` };
    return i.boundHere
      ? { verdict: 'ok', reason: `${where} (this host) and the VIP is bound here` }
      : { verdict: 'should-bind', reason: `${where} (this host) but the VIP is not bound here` };
  }
  if (i.boundHere) return { verdict: 'should-unbind', reason: `${where} (another host) but the VIP is bound here too` };
  if (i.localIsMaster === true) return { verdict: 'unknown', reason: `${where} (another host), but this host's Redis says it is a master: an old master not yet demoted?` };
  return { verdict: 'ok', reason: `${where} (another host) and the VIP is not bound here` };
}

/** The exit code of `status`, a monitoring check: 0 when every verdict is ok, else 1 (a hold too: a forgotten one should be seen). */
export function statusExitCode(verdicts: readonly Verdict[]): 0 | 1 {
  return verdicts.every((v) => v === 'ok') ? 0 : 1;
}
