/**
 * Foreign-holder detection (`watch.conflictProbeMs`): the rules, pure. The
 * holder of a VIP probes its segment (core/dup-probe: arping -D, ndisc6);
 * the kernel does not answer its own probe, so any answer from a MAC that
 * is not one of this host's is another host claiming the VIP: a conflict.
 * A probe only counts when this host held the VIP, with Sentinel's majority
 * naming it, from before the probe to after it, and no failover for one
 * probe period before it: the old holder releasing while the new one binds
 * is vipctl's own hand-over, not a foreign holder.
 */
import type { DupProbe } from '../dup-probe';

export interface ConflictState {
  /** The foreign MACs as last reported (sorted), null when no conflict is reported. */
  macs: string[] | null;
  /** The probe's failure as last reported, null when it works. */
  failing: string | null;
}

export const NO_CONFLICT: ConflictState = { macs: null, failing: null };

/** This host as the VIP's holder: since when (bound, majority here, no failover), and which holding (a new bind is a new epoch). */
export interface Holding {
  since: number;
  epoch: number;
}

/** May a probe start now? Only on a holder that has held the VIP, quietly, for one probe period. */
export function mayProbe(h: Holding | null, now: number, probeMs: number): boolean {
  return probeMs > 0 && h !== null && now - h.since >= probeMs;
}

export type ConflictEvent =
  | { kind: 'conflict'; macs: string[] }
  | { kind: 'conflict-cleared'; macs: string[]; reason: string }
  | { kind: 'probe-failed'; error: string }
  | { kind: 'probe-ok' };

export interface ConflictJudgement {
  state: ConflictState;
  /** What to log (on change only). */
  events: ConflictEvent[];
  /** Re-announce the VIP now (a conflict lasts: clients must keep finding this host). */
  announce: boolean;
}

/**
 * The next state after a probe. `probe` null: no probe counts (this host no
 * longer holds the VIP, or the holding changed during the probe).
 */
export function judgeProbe(prev: ConflictState, probe: DupProbe | null, ownMacs: ReadonlySet<string>): ConflictJudgement {
  const events: ConflictEvent[] = [];
  if (probe === null) {
    if (prev.macs === null) return { state: prev, events, announce: false };
    return { state: { ...prev, macs: null }, events: [{ kind: 'conflict-cleared', macs: prev.macs, reason: 'this host no longer holds the VIP' }], announce: false };
  }
  if (probe.kind === 'failed') {
    if (prev.failing !== probe.error) events.push({ kind: 'probe-failed', error: probe.error });
    return { state: { ...prev, failing: probe.error }, events, announce: false }; // a failed probe says nothing: the conflict stays as it was
  }
  if (prev.failing !== null) events.push({ kind: 'probe-ok' });
  const foreign = foreignMacs(probe, ownMacs);
  if (foreign.length > 0) {
    if (prev.macs === null || prev.macs.join() !== foreign.join()) events.push({ kind: 'conflict', macs: foreign });
    return { state: { macs: foreign, failing: null }, events, announce: true };
  }
  if (prev.macs !== null) events.push({ kind: 'conflict-cleared', macs: prev.macs, reason: 'no other host answers for the VIP any more' });
  return { state: NO_CONFLICT, events, announce: false };
}

/** Answers for the VIP that are not this host's own MACs (status, doctor). */
export function foreignMacs(probe: DupProbe, ownMacs: ReadonlySet<string>): string[] {
  return probe.kind === 'taken' ? [...new Set(probe.macs.map((m) => m.toLowerCase()))].filter((m) => !ownMacs.has(m)).sort() : [];
}
