/**
 * The fault suite's common frame (test/integration/fault-*.root.test.ts): a lab
 * in the mode the case asks for, `ip monitor address` on every node (the
 * kernel's word on who held the VIP when), and the lab's client probe writing
 * through the VIP every 10 ms (acknowledged writes, Sentinel events, ROLE).
 * A case asserts the holder timeline, not only the end state: at most one
 * holder at every moment, and exactly the master the Sentinels settle on at the end.
 */
import { expect } from 'vitest';
import { AddrMonitor } from '../../src/lab/addr-monitor';
import { startProbe, type Probe } from '../../src/lab/failover-run';
import { holderStats } from '../../src/lab/holders';
import type { Lab, LabMode } from '../../src/lab/lab';
import type { ProbeEvent } from '../../src/lab/probe';
import type { LabHost } from '../../src/lab/topology';
import { settledOn, upLab } from './support';
import { sentinelHistory, watchersSubscribed } from './watch-support';

export interface FaultLab {
  lab: Lab;
  mon: AddrMonitor;
  probe: Probe;
  /** The holders when the monitors started (the master, once the lab is up). */
  initial: string[];
  /** When the monitors started listening (epoch ms). */
  since: number;
  down(): Promise<void>;
}

/** A lab in `mode`, settled, every watcher subscribed, the monitors and the client running. */
export async function faultLab(mode: LabMode): Promise<FaultLab> {
  const lab = await upLab({ mode });
  let mon: AddrMonitor | undefined;
  let probe: Probe | undefined;
  try {
    await lab.waitSettled(60_000);
    if (mode === 'watch' || mode === 'both') await watchersSubscribed(lab, 30_000);
    mon = await AddrMonitor.start(lab);
    const since = Date.now();
    const initial = (await lab.vipHolders()).map((h) => h.name);
    probe = await startProbe(lab, () => {});
    const p = probe;
    const m = mon;
    return { lab, mon: m, probe: p, initial, since, down: async () => {
      await p.stop();
      m.stop();
      await lab.down();
    } };
  } catch (e) {
    await probe?.stop();
    mon?.stop();
    await lab.down();
    throw e;
  }
}

/** Acknowledged writes that vanished, as the probe saw them (an INCR answer not above an earlier one). */
export function lostWrites(probe: Probe, since = 0): ProbeEvent[] {
  return probe.events.filter((e) => e.kind === 'writes-lost' && e.t >= since);
}

/** Writes acknowledged through the VIP after `since` (from the probe's transitions: at least one after the last recovery). */
export async function writesGoOn(f: FaultLab, since: number, timeoutMs = 20_000): Promise<void> {
  // The probe prints transitions only: writes go on once the last failure (if any) after `since` is followed by a recovery.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ev = f.probe.events.filter((e) => e.t >= since && (e.kind === 'write-failed' || e.kind === 'write-recovered'));
    if (ev.length === 0 || ev.at(-1)!.kind === 'write-recovered') return;
    if (Date.now() > deadline) throw new Error(`writes through the VIP did not recover within ${timeoutMs} ms: ${JSON.stringify(ev.slice(-3))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Where the VIP must be at the end: on the master the Sentinels settle on (a loaded machine can
 * invite a second failover: when it is not `expected`, the Sentinels' own logs must show the
 * switch to it). Then the kernel's timeline since the start: never two holders, and the end holder that master.
 */
export async function expectSettledTimeline(f: FaultLab, expected: LabHost | null, timeoutMs = 40_000): Promise<LabHost> {
  const { lab, mon } = f;
  const end = await settledOn(lab, timeoutMs);
  if (expected && end !== expected) {
    const ip = (h: LabHost): string => h.ip.replaceAll('.', '\\.');
    expect(sentinelHistory(lab), `the VIP is on ${end.name}, not ${expected.name}: only a later failover may do that`).toMatch(new RegExp(`\\+switch-master mymaster \\S+ 6379 ${ip(end)} 6379`));
  }
  const events = mon.of(lab.topo.vip);
  const s = holderStats(f.initial, events, f.since, Date.now());
  const history = (): string => `kernel: ${JSON.stringify(events.map((e) => ({ ...e, t: Math.round(e.t - f.since) })))}\n${sentinelHistory(lab)}`;
  expect(s.maxHolders, `at most one holder at every moment; ${history()}`).toBe(1);
  expect(s.doubleMs, history()).toBe(0);
  expect(s.holdersAtEnd, `the kernel's last word: the VIP on ${end.name} only; ${history()}`).toEqual([end.name]);
  expect(await lab.vipHolders()).toEqual([end]);
  return end;
}

/** The node a `+selected-slave` (or any replica event) names: "slave <ip>:<port> <ip> <port> @ <master> <ip> <port>". */
export function replicaOf(lab: Lab, e: ProbeEvent): LabHost | undefined {
  const m = /^slave \S+ (\S+) \d+ @/.exec(e.message ?? '');
  return m ? lab.nodeByIp(m[1]!) : undefined;
}

/** The probe's event for a Sentinel channel, from `since`. */
export const sentinelEvent = (channel: string) => (e: ProbeEvent): boolean => e.kind === 'sentinel' && e.channel === channel;
