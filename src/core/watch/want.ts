/**
 * Where the VIP must be, as the watcher sees it (rule 4: never bind on local
 * evidence alone). Pure.
 */
import type { Desired } from '../decide';
import { desiredFromMaster, type Resolved } from '../desired';
import type { FailoverState } from './failover';

export interface WatchView {
  /** ip:port named by a strict majority of the configured Sentinels, or null. */
  master: string | null;
  agreeing: number;
  total: number;
  /** The master's host name resolved, when Sentinel names it by name (announce-hostnames yes). */
  resolved?: Resolved;
}

export interface WatchWantInput {
  /** The latest majority view (null before the first pass got one). */
  view: WatchView | null;
  failover: FailoverState;
  /** No Sentinel majority reachable for the fence time: let go (reason given). */
  fenced: string | null;
  /** Host names from the Sentinels' events, resolved (a replica promoted here may be named by name). */
  names?: Resolved;
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
  if (f?.promotedHere && desiredFromMaster(f.promotedHere, local, i.names).desired === 'here' && (master === null || master === f.oldMaster || master === f.promotedHere)) {
    return { desired: 'here', reason: `the failover of ${f.oldMaster} promoted ${f.promotedHere}, an address of this host (role master; ${master === f.promotedHere ? said : 'sentinel majority not switched yet'})` };
  }
  if (master === null) return { desired: 'unknown', reason: `no majority of sentinels agrees on a master (${said})` };
  const w = desiredFromMaster(master, local, i.view?.resolved);
  return { desired: w.desired, reason: `${w.reason} (${said})` };
}
