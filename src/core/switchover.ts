/**
 * `vipctl switchover`, the pure half: whether a planned switchover may start
 * (a majority names the master, a replica is in sync, the VIP answers from
 * the master now), what each followed moment is called, and the timeline
 * printed at the end. The I/O is src/switchover/.
 */
import { pairs } from './pairs';

/** A replica as `SENTINEL REPLICAS <master>` describes it, reduced to what decides whether it can be promoted. */
export interface ReplicaInfo {
  address: string;
  flags: string[];
  linkOk: boolean;
  priority: number;
}

/** SENTINEL REPLICAS's reply (an array of flat [k, v, ...] arrays). */
export function parseReplicas(reply: unknown): ReplicaInfo[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((r) => {
    const f = pairs(r);
    return {
      address: `${f.ip ?? '?'}:${f.port ?? '?'}`,
      flags: (f.flags ?? '').split(',').filter(Boolean),
      linkOk: f['master-link-status'] === 'ok',
      priority: Number(f['slave-priority'] ?? f['replica-priority'] ?? 100),
    };
  });
}

/** A replica Sentinel can promote: up (flags exactly `slave`), its link to the master ok, priority not 0. */
export function promotable(r: ReplicaInfo): boolean {
  return r.flags.length === 1 && r.flags[0] === 'slave' && r.linkOk && r.priority > 0;
}

export type Refusal = { ok: true } | { ok: false; reason: string };

/** The checks before SENTINEL FAILOVER, in order; the first that fails is the reason (exit 1, nothing done). */
export function judgeStart(o: { master: string; sentinelMaster: string | null; agreeing: number; total: number; replicas: readonly ReplicaInfo[] | null; replicasError?: string; vipReachesMaster: boolean; vipError?: string }): Refusal {
  if (o.sentinelMaster === null) return { ok: false, reason: `no strict majority of the Sentinels names a master for ${o.master} (${o.agreeing}/${o.total} agree): a switchover now could not be followed` };
  if (o.replicas === null) return { ok: false, reason: `cannot list the replicas of ${o.master}: ${o.replicasError ?? 'no answer'}` };
  const good = o.replicas.filter(promotable);
  if (good.length === 0) {
    const seen = o.replicas.map((r) => `${r.address} (${[...r.flags, r.linkOk ? 'link ok' : 'link down', `priority ${r.priority}`].join(', ')})`).join('; ');
    return { ok: false, reason: `no replica of ${o.master} in sync that Sentinel may promote${seen ? `: ${seen}` : ': it has none'}` };
  }
  if (!o.vipReachesMaster) return { ok: false, reason: `the VIP does not reach the master ${o.sentinelMaster} now (${o.vipError ?? 'another Redis answers'}): fix that first (vipctl status on every node), or nothing will move it after the switchover` };
  return { ok: true };
}

/** The moments followed, in the order they normally come. */
export const MOMENTS = {
  sent: 'SENTINEL FAILOVER sent',
  selected: 'replica selected for promotion (+selected-slave)',
  released: 'the VIP no longer reaches the old master',
  promoted: 'replica promoted (+promoted-slave)',
  bound: 'the VIP reaches the new master, which answers ROLE master',
  switched: 'the Sentinel announces the new master (+switch-master)',
} as const;
export type Moment = keyof typeof MOMENTS;

export interface Timeline {
  master: string;
  from: string;
  to: string | null;
  ok: boolean;
  reason?: string;
  /** Epoch ms of each moment seen. */
  at: Partial<Record<Moment, number>>;
}

/** The timeline as lines, in time order, stamped from the SENTINEL FAILOVER. */
export function formatTimeline(t: Timeline): string[] {
  const start = t.at.sent ?? 0;
  const seen = (Object.keys(MOMENTS) as Moment[]).filter((m) => t.at[m] !== undefined).sort((a, b) => t.at[a]! - t.at[b]!);
  const lines = [`switchover of ${t.master}: ${t.from} -> ${t.to ?? '?'}`];
  for (const m of seen) lines.push(`  + ${String(Math.round(t.at[m]! - start)).padStart(5)} ms  ${MOMENTS[m]}`);
  lines.push(t.ok ? `done: the VIP reaches the new master ${t.to} (${Math.round(t.at.bound! - start)} ms after the request)` : `failed: ${t.reason}`);
  return lines;
}
