/**
 * The decision: given where the master should be and what this host has,
 * what to do. Pure; every entry point (hook, reconcile, watch) goes through it.
 */

/** Where the VIP must be, as far as this host is concerned. */
export type Desired = 'here' | 'elsewhere' | 'unknown';

export interface Observed {
  /** Interfaces that hold the VIP now. */
  boundOn: readonly string[];
  /**
   * The interface the VIP belongs on. Needed only when the VIP must be here: a
   * host that must not hold it (say a Sentinel-only host without the VIP's
   * subnet) just removes whatever it has, wherever it is.
   */
  interface: string | null;
  /**
   * IPv6: interfaces where the VIP is bound but not deprecated (bound by
   * hand, or by an earlier vipctl without preferred_lft 0), so the host may pick
   * it as a source address (core/plan ipAdd). Absent: none.
   */
  preferredOn?: readonly string[];
}

export type Action = 'bind' | 'unbind' | 'none';

export interface Decision {
  action: Action;
  /** Interfaces to remove the VIP from (stale or wrong interface). */
  removeFrom: string[];
  /** Whether the VIP must be added on `interface`. */
  add: boolean;
  /** Whether the VIP, bound on `interface` already, must be made deprecated there (IPv6, see Observed.preferredOn). */
  deprecate: boolean;
  /** Whether to send gratuitous ARP (replacing any announcer still running). */
  announce: boolean;
  /** Whether to stop a background announcer of this VIP (it must not outlive the VIP here). */
  stopAnnounce: boolean;
  /** "is X, must be Y", for the log. */
  is: string;
  mustBe: string;
  reason: string;
}

export interface DecideOptions {
  /** Announce even when already bound (the hook: a failover just happened). Default false. */
  announceWhenBound?: boolean;
}

export function decide(desired: Desired, observed: Observed, options: DecideOptions = {}): Decision {
  const bound = observed.boundOn;
  const is = bound.length === 0 ? 'unbound' : `bound on ${bound.join(', ')}`;
  if (desired === 'unknown') {
    return { action: 'none', removeFrom: [], add: false, deprecate: false, announce: false, stopAnnounce: false, is, mustBe: 'unknown', reason: 'master unknown: leaving the VIP as it is' };
  }
  if (desired === 'elsewhere') {
    const removeFrom = [...bound];
    return {
      action: removeFrom.length > 0 ? 'unbind' : 'none',
      removeFrom,
      add: false,
      deprecate: false,
      announce: false,
      stopAnnounce: true,
      is,
      mustBe: 'unbound',
      reason: removeFrom.length > 0 ? 'master is on another host' : 'master is on another host; VIP not bound here',
    };
  }
  const target = observed.interface;
  if (target === null) throw new TypeError('decide: the VIP must be here, but no interface was given for it');
  const removeFrom = bound.filter((i) => i !== target);
  const add = !bound.includes(target);
  const moved = add || removeFrom.length > 0;
  const deprecate = !add && (observed.preferredOn ?? []).includes(target);
  return {
    action: moved || deprecate ? 'bind' : 'none',
    removeFrom,
    add,
    deprecate,
    announce: moved || options.announceWhenBound === true,
    stopAnnounce: removeFrom.length > 0,
    is: deprecate ? `${is} (not deprecated: a possible source address)` : is,
    mustBe: `bound on ${target}`,
    reason: add
      ? 'master is on this host'
      : removeFrom.length > 0
        ? 'master is on this host; VIP on the wrong interface'
        : deprecate
          ? 'master is on this host; VIP bound but not deprecated: deprecating it (preferred_lft 0), so this host stops using it as a source address'
          : 'master is on this host; VIP already bound',
  };
}
