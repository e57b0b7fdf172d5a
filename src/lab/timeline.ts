/**
 * The demo's timeline: what happened after the disturbance, as ms offsets
 * from it. Pure: built from the probe's events and the nodes' vipctl logs.
 */
import type { ProbeEvent } from './probe';
import { holderStats, type AddrEvent } from './holders';

export interface LogLine {
  host: string;
  t: number;
  event: string;
  cmd?: string;
  note?: string;
}

export interface TimelineEntry {
  atMs: number;
  what: string;
  /** Who saw or did it: a node, a Sentinel, the client. */
  source: string;
  key: string;
}

export interface Timeline {
  kind: string;
  /** The lab mode (watch, hook, ...), when known. */
  mode?: string;
  oldMaster: string;
  newMaster: string | null;
  entries: TimelineEntry[];
  /** From the last successful write before the outage to the first one after it; null if no write failed. */
  writeOutageMs: number | null;
  writes: number;
  failedWrites: number;
  /** Acknowledged writes that vanished (INCR answered at or below an earlier answer). */
  lostWrites: number;
  /** ms during which two or more hosts held the VIP (from `ip monitor address`); null without a monitor. */
  doubleHolderMs: number | null;
  /** From the new master answering ROLE as master to the VIP added on it; null when either is missing. */
  promotionToVipMs: number | null;
}

/** Sentinel channels worth a line, with what they mean; the first of each counts. */
const SENTINEL_STEPS: ReadonlyArray<[string, string]> = [
  ['+sdown', 'a Sentinel sees the master down (+sdown)'],
  ['+odown', 'quorum agrees: objectively down (+odown)'],
  ['+try-failover', 'failover starts (+try-failover)'],
  ['+elected-leader', 'a leader is elected (+elected-leader)'],
  ['+selected-slave', 'replica selected for promotion (+selected-slave)'],
  ['+failover-state-wait-promotion', 'waiting for the promotion (+failover-state-wait-promotion)'],
  ['+promoted-slave', 'replica promoted to master (+promoted-slave)'],
  ['+switch-master', 'first Sentinel announces the new master (+switch-master)'],
  ['+failover-end', 'leader ends the failover (+failover-end)'],
];

export function buildTimeline(input: {
  kind: string;
  t0: number;
  oldMaster: { name: string; ip: string };
  newMaster: { name: string; ip: string } | null;
  probe: readonly ProbeEvent[];
  logs: readonly LogLine[];
  /** `ip monitor address` events for the VIP, with the holders at t0; optional. */
  addr?: { initial: readonly string[]; events: readonly AddrEvent[]; until: number };
}): Timeline {
  const { t0 } = input;
  const entries: TimelineEntry[] = [{ atMs: 0, what: `${input.kind} on the master`, source: input.oldMaster.name, key: 'disturbance' }];
  const after = (t: number): boolean => t >= t0 - 5; // a few ms of clock skew between processes

  for (const [channel, what] of SENTINEL_STEPS) {
    const e = input.probe.find((p) => p.kind === 'sentinel' && p.channel === channel && after(p.t));
    if (e) entries.push({ atMs: e.t - t0, what, source: `sentinel ${e.from}`, key: channel });
  }
  const changed = (l: LogLine): boolean => after(l.t) && l.note === undefined;
  const unbound = input.logs.find((l) => l.event === 'unbind' && l.host === input.oldMaster.name && changed(l));
  if (unbound) entries.push({ atMs: unbound.t - t0, what: `VIP unbound on the old master (${l(unbound)})`, source: unbound.host, key: 'vip-unbound-old' });
  if (input.newMaster) {
    const bound = input.logs.find((x) => x.event === 'bind' && x.host === input.newMaster!.name && changed(x));
    if (bound) entries.push({ atMs: bound.t - t0, what: `VIP bound on the new master (${l(bound)})`, source: bound.host, key: 'vip-bound-new' });
    const announced = input.logs.find((x) => x.event === 'announce' && x.host === input.newMaster!.name && after(x.t));
    if (announced) entries.push({ atMs: announced.t - t0, what: 'gratuitous ARP sent by the new master', source: announced.host, key: 'announce-new' });
  }
  const promoted = input.newMaster ? input.probe.find((p) => p.kind === 'role-master' && p.node === input.newMaster!.ip && after(p.t)) : undefined;
  if (promoted) entries.push({ atMs: promoted.t - t0, what: 'the new master answers ROLE as master', source: input.newMaster!.name, key: 'role-master' });
  const added = input.newMaster ? input.addr?.events.find((e) => e.op === 'add' && e.host === input.newMaster!.name && after(e.t)) : undefined;
  if (added) entries.push({ atMs: Math.round(added.t - t0), what: 'VIP added on the new master (kernel)', source: added.host, key: 'addr-add-new' });
  const removed = input.addr?.events.find((e) => e.op === 'del' && e.host === input.oldMaster.name && after(e.t));
  if (removed) entries.push({ atMs: Math.round(removed.t - t0), what: 'VIP removed from the old master (kernel)', source: removed.host, key: 'addr-del-old' });
  const lostEvents = input.probe.filter((p) => p.kind === 'writes-lost' && after(p.t));
  if (lostEvents[0]) entries.push({ atMs: lostEvents[0].t - t0, what: `acknowledged writes lost (${lostEvents[0].lost})`, source: 'client', key: 'writes-lost' });
  const failed = input.probe.find((p) => p.kind === 'write-failed' && after(p.t));
  const recovered = failed ? input.probe.find((p) => p.kind === 'write-recovered' && p.t >= failed.t) : undefined;
  if (failed) entries.push({ atMs: failed.t - t0, what: 'first failed write through the VIP', source: 'client', key: 'write-failed' });
  if (recovered) entries.push({ atMs: recovered.t - t0, what: 'first write through the VIP after the outage', source: 'client', key: 'write-recovered' });
  const stats = [...input.probe].reverse().find((p) => p.kind === 'stats');
  entries.sort((a, b) => a.atMs - b.atMs);
  return {
    kind: input.kind,
    oldMaster: input.oldMaster.name,
    newMaster: input.newMaster?.name ?? null,
    entries,
    writeOutageMs: failed && recovered && failed.lastOkAt ? recovered.t - failed.lastOkAt : null,
    writes: stats?.writes ?? 0,
    failedWrites: stats?.failures ?? 0,
    lostWrites: lostEvents.reduce((sum, e) => sum + (e.lost ?? 0), 0),
    doubleHolderMs: input.addr ? holderStats(input.addr.initial, input.addr.events, t0, input.addr.until).doubleMs : null,
    promotionToVipMs: promoted && added ? Math.round(added.t - promoted.t) : null,
  };
}

function l(line: LogLine): string {
  return `vipctl ${line.cmd ?? ''}`.trim();
}

export function formatTimeline(t: Timeline): string[] {
  const rows = t.entries.map((e) => `  +${String(e.atMs).padStart(6)} ms  ${e.what.padEnd(62)} ${e.source}`);
  return [
    `timeline (${t.kind}${t.mode ? `, ${t.mode} mode` : ''}; old master ${t.oldMaster}, new master ${t.newMaster ?? 'none'}):`,
    ...rows,
    t.writeOutageMs === null ? '  no write failed through the VIP' : `  write outage through the VIP: ${t.writeOutageMs} ms (${t.failedWrites} failed of ${t.writes + t.failedWrites} writes)`,
    `  acknowledged writes lost: ${t.lostWrites}`,
    ...(t.doubleHolderMs === null ? [] : [`  time two hosts held the VIP: ${t.doubleHolderMs} ms`]),
    ...(t.promotionToVipMs === null ? [] : [`  from the promotion (ROLE master) to the VIP on the new master: ${t.promotionToVipMs} ms`]),
  ];
}

/** `lab demo --compare`: the same failover in several modes, one column each. */
export function formatComparison(runs: readonly Timeline[]): string[] {
  const ms = (x: number | null): string => (x === null ? '-' : `${x} ms`);
  const rows: Array<[string, (t: Timeline) => string]> = [
    ['write outage through the VIP', (t) => (t.writeOutageMs === null ? 'none' : `${t.writeOutageMs} ms`)],
    ['promotion (ROLE master) to VIP on it', (t) => ms(t.promotionToVipMs)],
    ['time two hosts held the VIP', (t) => ms(t.doubleHolderMs)],
    ['acknowledged writes lost', (t) => String(t.lostWrites)],
  ];
  const width = 14;
  return [
    `comparison (${runs[0]?.kind ?? '?'}):`,
    `  ${''.padEnd(38)}${runs.map((r) => (r.mode ?? '?').padStart(width)).join('')}`,
    ...rows.map(([label, value]) => `  ${label.padEnd(38)}${runs.map((r) => value(r).padStart(width)).join('')}`),
  ];
}
