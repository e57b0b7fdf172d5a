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
 * - new master's host: on +selected-slave/+failover-state-wait-promotion/
 *   +promoted-slave/+switch-master naming a local replica, poll its ROLE and
 *   bind the moment it says master, before the Sentinels' majority has switched.
 * A failover ends on -failover-abort-*, -odown before it started, the failover
 * timeout, or, after +switch-master/+failover-end, once a pass sees the
 * majority name another master than the old one (observers switch before the
 * leader, so for a moment the majority may still name the old master).
 *
 * No single Sentinel is trusted (README, "Trust model"): binding needs the
 * local replica's own ROLE, whatever the event; a release on one Sentinel's
 * word is provisional: it holds only once the failover is confirmed (an event
 * about it from a second Sentinel, or the majority naming another master), and
 * lapses after CONFIRM_MS otherwise; after a lapse, releases of that master
 * wait for a confirmation for SUSPECT_MS. Addresses that name no single host
 * (loopback, link-local, unspecified, multicast) are never this host's.
 */
import { ipFamily, nonHostAddressKind } from '../address';
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
  /** This host holds the old master: VIP released, and not taken back while this runs (or, unconfirmed, until confirmBy). */
  released: boolean;
  /** A local replica selected by this failover reported role master: the VIP may be bound here. */
  promotedHere: string | null;
  /** +switch-master or +failover-end seen: ends once the majority names another master. */
  switched: boolean;
  /** The Sentinels that sent events about it (sorted). */
  sentinels: string[];
  /** Two Sentinels told of it, or the majority named another master. */
  confirmed: boolean;
  /** An unconfirmed release lapses at this time. */
  confirmBy: number;
  /** An unconfirmed release of it lapsed: it releases again only once confirmed. */
  lapsed: boolean;
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
  /** A master whose unconfirmed release lapsed: until `until`, releasing it needs a confirmed failover. */
  suspect: { master: string; until: number } | null;
}

export const IDLE: FailoverState = { failover: null, poll: null, done: null, suspect: null };

/** How long a release on one Sentinel's word holds without a confirmation (a real failover is confirmed within a few seconds: README). */
export const CONFIRM_MS = 5000;
/** After a lapse, how long one Sentinel alone can no longer release that master. */
export const SUSPECT_MS = 300_000;

export type FailoverInput =
  /** `sentinel`: the Sentinel (host:port) that sent it. */
  | { type: 'event'; event: SentinelEvent; at: number; sentinel: string }
  /** The ROLE poller saw `address` (a local Redis) report master. */
  | { type: 'role-master'; address: string; at: number }
  /** A pass got a majority view (or none: null). */
  | { type: 'view'; master: string | null; at: number }
  | { type: 'tick'; at: number };

/**
 * What the machine asks for. It never moves the VIP itself: where the VIP
 * must be is want.ts's rule alone, read from this machine's state (a failover
 * `released` here, `promotedHere`) and the Sentinels' view by the pass.
 */
export type FailoverOutput =
  /**
   * Run a pass now, without asking the Sentinels first: the state just
   * changed in a way the pass's want acts on (`fastPath`: a release here,
   * `released` set; or a bind, `promotedHere` set). For the logs.
   */
  | { kind: 'pass-now'; fastPath: 'release' | 'bind'; reason: string }
  /** Run a level-based pass: ask the Sentinels, then act on their view. */
  | { kind: 'pass-asking'; reason: string }
  /** Poll the ROLE of this local Redis until it reports master or `until`. */
  | { kind: 'poll-role'; address: string; until: number }
  | { kind: 'stop-poll' };

export interface FailoverContext {
  /** Is this IP one of this host's own addresses? */
  isLocal: (ip: string) => boolean;
  /** Sentinel's failover-timeout for this master (ms; the majority's, clamped: timings.ts). */
  failoverTimeoutMs: number;
}

export interface Step {
  state: FailoverState;
  out: FailoverOutput[];
}

/** An instance of this host: never an address that names no single host (an event naming 127.0.0.1 is nobody's). */
function local(ctx: FailoverContext, address: string): boolean {
  const host = masterHost(address);
  if (ipFamily(host) !== null && nonHostAddressKind(host) !== null) return false;
  return ctx.isLocal(host);
}

/** Channels on a master that mean a failover attempt is under way. */
const ATTEMPT = new Set(['+try-failover', '+elected-leader', '+failover-state-select-slave']);
/** Channels on a replica that name the one selected for promotion (+promoted-slave too: its ROLE confirms it). */
const SELECTED = new Set(['+selected-slave', '+failover-state-wait-promotion', '+failover-state-send-slaveof-noone', '+promoted-slave']);

/** The failover of `oldMaster` (the running one, or a new one), with `sentinel` counted among its witnesses. */
function begin(s: FailoverState, oldMaster: string, channel: string, at: number, ctx: FailoverContext, sentinel: string): Failover {
  const f = s.failover;
  const next: Failover =
    f && f.oldMaster === oldMaster
      ? { ...f }
      : { since: at, firstEvent: channel, deadline: at + ctx.failoverTimeoutMs, oldMaster, started: false, selected: null, released: false, promotedHere: null, switched: false, sentinels: [], confirmed: false, confirmBy: at + Math.min(CONFIRM_MS, ctx.failoverTimeoutMs / 2), lapsed: false };
  if (!next.sentinels.includes(sentinel)) next.sentinels = [...next.sentinels, sentinel].sort();
  if (next.sentinels.length >= 2) next.confirmed = true;
  return next;
}

function end(s: FailoverState, reason: string, done: string | null = null): Step {
  return { state: { ...IDLE, done, suspect: s.suspect }, out: [...(s.poll ? [{ kind: 'stop-poll' } as const] : []), { kind: 'pass-asking', reason }] };
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

/** Mark the old master released here, once; not while it is suspect or lapsed and the failover unconfirmed. */
function release(s: FailoverState, f: Failover, out: FailoverOutput[], ctx: FailoverContext, why: string, at: number): void {
  if (f.released || !local(ctx, f.oldMaster)) return;
  const suspect = s.suspect !== null && s.suspect.master === f.oldMaster && at < s.suspect.until;
  if (!f.confirmed && (f.lapsed || suspect)) return;
  f.released = true;
  const word = f.confirmed ? `confirmed by ${f.sentinels.length > 1 ? `${f.sentinels.length} sentinels` : 'the majority'}` : `on the word of ${f.sentinels.join(', ')} alone: holds ${f.confirmBy - at} ms unless confirmed`;
  out.push({ kind: 'pass-now', fastPath: 'release', reason: `${why}: the master ${f.oldMaster} is this host; releasing the VIP before the promotion (${word})` });
}

export function step(s: FailoverState, input: FailoverInput, ctx: FailoverContext): Step {
  switch (input.type) {
    case 'tick': {
      const f = s.failover;
      const suspect = s.suspect && input.at >= s.suspect.until ? null : s.suspect;
      if (f?.released && !f.confirmed && input.at >= f.confirmBy) {
        return {
          state: { ...s, suspect: { master: f.oldMaster, until: input.at + SUSPECT_MS }, failover: { ...f, released: false, lapsed: true } },
          out: [{ kind: 'pass-asking', reason: `the failover of ${f.oldMaster} (${f.firstEvent} from ${f.sentinels.join(', ')}) was not confirmed by a second sentinel or the majority within ${f.confirmBy - f.since} ms: no longer holding the VIP off` }],
        };
      }
      if (f && input.at >= holdEnd(f, ctx)) return end(s, `failover of ${f.oldMaster} not over after the failover timeout`);
      if (s.poll && input.at >= s.poll.until) return { state: { ...s, suspect, poll: null }, out: [{ kind: 'stop-poll' }] };
      return { state: suspect === s.suspect ? s : { ...s, suspect }, out: [] };
    }
    case 'view': {
      const f = s.failover;
      if (f?.switched && input.master !== null && input.master !== f.oldMaster) return end(s, `the Sentinels' majority now names ${input.master}`, f.oldMaster);
      if (f && !f.confirmed && input.master !== null && input.master !== f.oldMaster) {
        const next = { ...f, confirmed: true };
        const out: FailoverOutput[] = [];
        release(s, next, out, ctx, `the Sentinels' majority names ${input.master}`, input.at);
        return { state: { ...s, failover: next }, out };
      }
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
      out.push({ kind: 'pass-now', fastPath: 'bind', reason: `failover of ${f.oldMaster} selected ${input.address}, an address of this host, and it now reports role master` });
      return { state: { ...s, failover: { ...f, promotedHere: input.address }, poll: null }, out };
    }
    case 'event':
      return onEvent(s, input.event, input.at, ctx, input.sentinel);
  }
}

/** Poll the ROLE of `address` (a local replica the failover names) unless it is polled already or reported master. */
function pollFor(f: Failover, address: string, poll: FailoverState['poll'], out: FailoverOutput[]): FailoverState['poll'] {
  if (f.promotedHere === address || poll?.address === address) return poll;
  out.push({ kind: 'poll-role', address, until: f.deadline });
  return { address, until: f.deadline };
}

function onEvent(s: FailoverState, e: SentinelEvent, at: number, ctx: FailoverContext, sentinel: string): Step {
  const out: FailoverOutput[] = [];
  if (e.kind === 'switch-master') {
    if (s.failover === null && s.done === e.from) return { state: s, out: [{ kind: 'pass-asking', reason: `+switch-master ${e.from} -> ${e.to} (already seen)` }] };
    const f = begin(s, e.from, e.channel, at, ctx, sentinel);
    f.switched = true;
    f.started = true;
    let poll = s.poll;
    // One Sentinel's word is not a majority (rule 4): when the new master is
    // a local replica, confirm it with ROLE, as for +selected-slave.
    if (local(ctx, e.to)) {
      f.selected = e.to;
      poll = pollFor(f, e.to, poll, out);
    } else if (poll) {
      out.push({ kind: 'stop-poll' });
      poll = null;
    }
    release(s, f, out, ctx, '+switch-master', at);
    out.push({ kind: 'pass-asking', reason: `+switch-master ${e.from} -> ${e.to}` });
    return { state: { ...s, failover: f, poll }, out };
  }
  if (e.kind === 'master') {
    const f = s.failover;
    // a late event about the master the last completed failover replaced
    if (f === null && s.done === e.address && !ATTEMPT.has(e.channel)) return { state: s, out: [] };
    if (e.channel === '+odown' || ATTEMPT.has(e.channel)) {
      const next = begin(s, e.address, e.channel, at, ctx, sentinel);
      if (e.channel !== '+odown') next.started = true;
      release(s, next, out, ctx, e.channel, at);
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
      const next = { ...begin(s, e.address, e.channel, at, ctx, sentinel), switched: true };
      release(s, next, out, ctx, e.channel, at);
      return { state: { ...s, failover: next }, out: [...out, { kind: 'pass-asking', reason: `${e.channel} for ${e.address}` }] };
    }
    return { state: s, out: [] };
  }
  // a replica of the master
  if (SELECTED.has(e.channel)) {
    const f = begin(s, e.masterAddress, e.channel, at, ctx, sentinel);
    f.started = true;
    f.selected = e.address;
    let poll = s.poll;
    if (local(ctx, e.address)) poll = pollFor(f, e.address, poll, out);
    else release(s, f, out, ctx, `${e.channel} ${e.address}`, at);
    return { state: { ...s, failover: f, poll }, out };
  }
  return { state: s, out: [] };
}
