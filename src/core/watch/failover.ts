/**
 * Per-master failover tracking for `vipctl watch`: Sentinel events, role
 * observations and time in; what to do now out. Pure: no clock, no I/O.
 *
 * The watcher stays level-based (every pass asks the Sentinels and acts on
 * the majority); this machine only adds the two fast paths and the one rule
 * a pass cannot know by itself:
 * - old master's host: on +odown/+try-failover of a local master, or a
 *   +selected-slave naming another host while the master is local, release at
 *   once and hold off (never take the VIP back) while that failover runs;
 * - new master's host: on +selected-slave/+failover-state-wait-promotion
 *   naming a local replica, poll its ROLE and bind the moment it says master
 *   (or on +promoted-slave), before the Sentinels' majority has switched.
 * A failover ends on -failover-abort-*, -odown before it started, the failover
 * timeout, or, after +switch-master/+failover-end, once a pass sees the
 * majority name another master than the old one (observers switch before the
 * leader, so for a moment the majority may still name the old master).
 */
import { masterHost } from '../sentinel-view';
import type { SentinelEvent } from './events';

export interface Failover {
  /** When the first event of this failover arrived (epoch ms). */
  since: number;
  /** The channel that started it, for logs. */
  firstEvent: string;
  /** Give up on it at this time (since + the failover timeout). */
  deadline: number;
  /** Address (ip:port) of the master being replaced. */
  oldMaster: string;
  /** A failover was attempted (+try-failover or later), not only +odown. */
  started: boolean;
  /** The replica Sentinel selected, when known. */
  selected: string | null;
  /** This host holds the old master: VIP released, and not taken back while this runs. */
  released: boolean;
  /** A local replica selected by this failover reported role master: the VIP may be bound here. */
  promotedHere: string | null;
  /** +switch-master or +failover-end seen: ends once the majority names another master. */
  switched: boolean;
}

export interface FailoverState {
  failover: Failover | null;
  /** Local replica whose ROLE is being polled, and until when. */
  poll: { address: string; until: number } | null;
  /**
   * The master replaced by the last failover that completed. Late copies of
   * its events (+switch-master from the other Sentinels) start nothing new;
   * they only trigger a pass.
   */
  done: string | null;
}

export const IDLE: FailoverState = { failover: null, poll: null, done: null };

export type FailoverInput =
  | { type: 'event'; event: SentinelEvent; at: number }
  /** The ROLE poller saw `address` (a local Redis) report master. */
  | { type: 'role-master'; address: string; at: number }
  /** A pass got a majority view (or none: null). */
  | { type: 'view'; master: string | null; at: number }
  | { type: 'tick'; at: number };

export type FailoverOutput =
  /** Remove the VIP here now (this host held the master being replaced). */
  | { kind: 'release'; reason: string }
  /** Poll the ROLE of this local Redis until it reports master or `until`. */
  | { kind: 'poll-role'; address: string; until: number }
  | { kind: 'stop-poll' }
  /** Bind now: a local replica selected by a running failover reports master. */
  | { kind: 'bind'; reason: string }
  /** Run a level-based pass. */
  | { kind: 'reconcile'; reason: string };

export interface FailoverContext {
  /** Is this IP one of this host's own addresses? */
  isLocal: (ip: string) => boolean;
  /** Sentinel's failover-timeout for this master (ms). */
  failoverTimeoutMs: number;
}

export interface Step {
  state: FailoverState;
  out: FailoverOutput[];
}

const local = (ctx: FailoverContext, address: string): boolean => ctx.isLocal(masterHost(address));

/** Channels on a master that mean a failover attempt is under way. */
const ATTEMPT = new Set(['+try-failover', '+elected-leader', '+failover-state-select-slave', '+new-epoch-failover']);
/** Channels on a replica that name the one selected for promotion. */
const SELECTED = new Set(['+selected-slave', '+failover-state-wait-promotion', '+failover-state-send-slaveof-noone']);

function begin(s: FailoverState, oldMaster: string, channel: string, at: number, ctx: FailoverContext): Failover {
  const f = s.failover;
  if (f && f.oldMaster === oldMaster) return { ...f };
  return { since: at, firstEvent: channel, deadline: at + ctx.failoverTimeoutMs, oldMaster, started: false, selected: null, released: false, promotedHere: null, switched: false };
}

function end(s: FailoverState, reason: string, done: string | null = null): Step {
  return { state: { ...IDLE, done }, out: [...(s.poll ? [{ kind: 'stop-poll' } as const] : []), { kind: 'reconcile', reason }] };
}

/**
 * A failover that ends without a switch (abort, timeout) after selecting a replica on another
 * host may have promoted it, and that host's watcher may hold the VIP (fast path: ROLE master).
 * Both hosts hear the same end at the same moment; the old master's host, which released, must
 * not bind again before the other has let go (seen in the lab: 17 and 46 ms with two holders when the
 * promoted replica died before Sentinel saw it, -failover-abort-slave-timeout). So its hold ends
 * this much after the other's: a tick, a Sentinel query and an `ip` call on a busy host, twice over.
 */
export const PROMOTED_ELSEWHERE_GRACE_MS = 1000;

function promotedElsewhere(f: Failover, ctx: FailoverContext): boolean {
  return f.released && f.selected !== null && !local(ctx, f.selected);
}

/** When the hold of `f` ends by itself (the failover timeout; see PROMOTED_ELSEWHERE_GRACE_MS). */
function holdEnd(f: Failover, ctx: FailoverContext): number {
  return f.deadline + (promotedElsewhere(f, ctx) ? PROMOTED_ELSEWHERE_GRACE_MS : 0);
}

/** Mark the old master released here, once. */
function release(f: Failover, out: FailoverOutput[], ctx: FailoverContext, why: string): void {
  if (f.released || !local(ctx, f.oldMaster)) return;
  f.released = true;
  out.push({ kind: 'release', reason: `${why}: the master ${f.oldMaster} is this host; releasing the VIP before the promotion` });
}

export function step(s: FailoverState, input: FailoverInput, ctx: FailoverContext): Step {
  switch (input.type) {
    case 'tick':
      if (s.poll && input.at >= s.poll.until) {
        if (s.failover && input.at >= holdEnd(s.failover, ctx)) return end(s, `failover of ${s.failover.oldMaster} not over after the failover timeout`);
        return { state: { ...s, poll: null }, out: [{ kind: 'stop-poll' }] };
      }
      if (s.failover && input.at >= holdEnd(s.failover, ctx)) return end(s, `failover of ${s.failover.oldMaster} not over after the failover timeout`);
      return { state: s, out: [] };
    case 'view': {
      const f = s.failover;
      if (f?.switched && input.master !== null && input.master !== f.oldMaster) return end(s, `the Sentinels' majority now names ${input.master}`, f.oldMaster);
      // the replaced master is the master again (a later failover): its events count again
      if (s.done !== null && input.master === s.done) return { state: { ...s, done: null }, out: [] };
      return { state: s, out: [] };
    }
    case 'role-master': {
      const f = s.failover;
      if (!f || f.selected !== input.address || !local(ctx, input.address)) {
        return s.poll?.address === input.address ? { state: { ...s, poll: null }, out: [{ kind: 'stop-poll' }] } : { state: s, out: [] };
      }
      const out: FailoverOutput[] = s.poll ? [{ kind: 'stop-poll' }] : [];
      if (f.promotedHere === input.address) return { state: { ...s, poll: null }, out };
      out.push({ kind: 'bind', reason: `failover of ${f.oldMaster} selected ${input.address}, an address of this host, and it now reports role master` });
      return { state: { ...s, failover: { ...f, promotedHere: input.address }, poll: null }, out };
    }
    case 'event':
      return onEvent(s, input.event, input.at, ctx);
  }
}

function onEvent(s: FailoverState, e: SentinelEvent, at: number, ctx: FailoverContext): Step {
  const out: FailoverOutput[] = [];
  if (e.kind === 'switch-master') {
    if (s.failover === null && s.done === e.from) return { state: s, out: [{ kind: 'reconcile', reason: `+switch-master ${e.from} -> ${e.to} (already seen)` }] };
    const f = begin(s, e.from, e.channel, at, ctx);
    f.switched = true;
    f.started = true;
    let poll = s.poll;
    // One Sentinel's word is not a majority (rule 4): when the new master is
    // a local replica, confirm it with ROLE, as for +selected-slave.
    if (local(ctx, e.to) && f.promotedHere !== e.to) {
      f.selected = e.to;
      if (poll?.address !== e.to) {
        poll = { address: e.to, until: f.deadline };
        out.push({ kind: 'poll-role', address: e.to, until: f.deadline });
      }
    } else if (poll) {
      out.push({ kind: 'stop-poll' });
      poll = null;
    }
    release(f, out, ctx, '+switch-master');
    out.push({ kind: 'reconcile', reason: `+switch-master ${e.from} -> ${e.to}` });
    return { state: { ...s, failover: f, poll }, out };
  }
  if (e.kind === 'master') {
    const f = s.failover;
    // a late event about the master the last completed failover replaced
    if (f === null && s.done === e.address && !ATTEMPT.has(e.channel)) return { state: s, out: [] };
    if (e.channel === '+odown') {
      const next = begin(s, e.address, e.channel, at, ctx);
      release(next, out, ctx, '+odown');
      return { state: { ...s, failover: next }, out };
    }
    if (ATTEMPT.has(e.channel)) {
      const next = begin(s, e.address, e.channel, at, ctx);
      next.started = true;
      release(next, out, ctx, e.channel);
      return { state: { ...s, failover: next }, out };
    }
    if (!f || f.oldMaster !== e.address) return { state: s, out: [] };
    if (e.channel === '-odown' && !f.started) return end(s, `-odown: ${e.address} is back before any failover started`);
    if (e.channel.startsWith('-failover-abort')) {
      // the hold ends now, or (see holdEnd) a grace after now on the old master's host
      if (promotedElsewhere(f, ctx)) return { state: { ...s, failover: { ...f, deadline: Math.min(f.deadline, at) } }, out: [] };
      return end(s, `${e.channel}: the failover of ${e.address} was aborted`);
    }
    if (e.channel === '+failover-end' || e.channel === '+failover-end-for-timeout') {
      const next = { ...f, switched: true };
      return { state: { ...s, failover: next }, out: [{ kind: 'reconcile', reason: `${e.channel} for ${e.address}` }] };
    }
    return { state: s, out: [] };
  }
  // a replica of the master
  if (SELECTED.has(e.channel) || e.channel === '+promoted-slave') {
    const f = begin(s, e.masterAddress, e.channel, at, ctx);
    f.started = true;
    f.selected = e.address;
    let poll = s.poll;
    if (local(ctx, e.address)) {
      if (e.channel === '+promoted-slave') {
        // Sentinel itself saw the replica report master: as good as our own ROLE reading.
        if (poll) out.push({ kind: 'stop-poll' });
        poll = null;
        if (f.promotedHere !== e.address) {
          f.promotedHere = e.address;
          out.push({ kind: 'bind', reason: `+promoted-slave: ${e.address}, an address of this host, was promoted in place of ${e.masterAddress}` });
        }
      } else if (f.promotedHere !== e.address && poll?.address !== e.address) {
        poll = { address: e.address, until: f.deadline };
        out.push({ kind: 'poll-role', address: e.address, until: f.deadline });
      }
    } else {
      release(f, out, ctx, `${e.channel} ${e.address}`);
    }
    return { state: { ...s, failover: f, poll }, out };
  }
  return { state: s, out: [] };
}

