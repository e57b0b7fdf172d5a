/**
 * Where the VIP must be, as the watcher sees it (rule 4: never bind on local
 * evidence alone). Pure.
 */
import type { Desired } from '../decide';
import { isIp, normalizeIp } from '../address';
import { masterHost } from '../sentinel-view';
import type { FailoverState } from './failover';

/**
 * here / elsewhere / unknown from a master address (`ip:port`, or null when
 * no majority names one) and this host's own addresses. A master address
 * that is not an IP literal (a host name, with announce-hostnames) is
 * unknown, never elsewhere: we cannot tell whether it is this host.
 */
export function desiredFor(master: string | null, local: ReadonlySet<string>): Desired {
  if (master === null) return 'unknown';
  const host = masterHost(master);
  if (!isIp(host)) return 'unknown';
  return local.has(normalizeIp(host)) ? 'here' : 'elsewhere';
}

export interface WatchView {
  /** ip:port named by a strict majority of the configured Sentinels, or null. */
  master: string | null;
  agreeing: number;
  total: number;
}

export interface WatchWantInput {
  /** The latest majority view (null before the first pass got one). */
  view: WatchView | null;
  failover: FailoverState;
  /** No Sentinel majority reachable for the fence time: let go (reason given). */
  fenced: string | null;
}

export interface WatchWant {
  desired: Desired;
  reason: string;
}

export function watchWant(i: WatchWantInput, local: ReadonlySet<string>): WatchWant {
  const said = i.view ? `${i.view.agreeing}/${i.view.total} sentinels agree` : 'no sentinel answer yet';
  if (i.fenced !== null) return { desired: 'elsewhere', reason: `fenced: ${i.fenced}` };
  const f = i.failover.failover;
  if (f?.released) {
    return { desired: 'elsewhere', reason: `a failover of ${f.oldMaster} (this host) is running since ${f.firstEvent}: holding the VIP off until it ends` };
  }
  const master = i.view?.master ?? null;
  if (f?.promotedHere && desiredFor(f.promotedHere, local) === 'here' && (master === null || master === f.oldMaster || master === f.promotedHere)) {
    return { desired: 'here', reason: `the failover of ${f.oldMaster} promoted ${f.promotedHere}, an address of this host (role master; ${master === f.promotedHere ? said : 'sentinel majority not switched yet'})` };
  }
  const desired = desiredFor(master, local);
  if (master === null) return { desired, reason: `no majority of sentinels agrees on a master (${said})` };
  if (desired === 'unknown') return { desired, reason: `master ${master} is not an IP address: cannot tell whether it is this host (${said})` };
  return { desired, reason: `master ${master} is ${desired === 'here' ? 'this host' : 'another host'} (${said})` };
}
