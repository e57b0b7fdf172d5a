/**
 * Helpers for the watch integration tests: record `ip monitor address` per node with
 * timestamps, read the logs, wait for the cluster. Processes started here are
 * killed by pid (lab.down() also kills whatever runs in its namespaces).
 */
import { expect } from 'vitest';
import { holderStats, parseAddrLine } from '../../src/lab/holders';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitFor, type Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { running } from '../../src/adapters/proc';
import { parseLog } from './support';

export { newMasterWithVip, settledOn } from './support';

export function killPid(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (!pid) return;
  try {
    process.kill(pid, signal);
  } catch {
    /* gone */
  }
}

export async function waitExit(pid: number, timeoutMs = 10_000): Promise<void> {
  await waitFor(`pid ${pid} to exit`, async () => !running(pid), timeoutMs, 20);
}

export interface AddrEvent {
  node: string;
  /** epoch ms from `ip -ts` (local time of this machine) */
  at: number;
  kind: 'add' | 'del';
  address: string;
}

/** `ip -ts monitor address` in every node's namespace. */
export class AddrMonitor {
  private children: ChildProcess[] = [];
  private lines = new Map<string, string>();

  static async start(lab: Lab): Promise<AddrMonitor> {
    const m = new AddrMonitor();
    for (const n of lab.topo.nodes) {
      const child = spawn('ip', ['netns', 'exec', n.ns, 'ip', '-ts', 'monitor', 'address'], { stdio: ['ignore', 'pipe', 'ignore'] });
      m.lines.set(n.name, '');
      child.stdout!.setEncoding('utf8').on('data', (s: string) => m.lines.set(n.name, m.lines.get(n.name)! + s));
      m.children.push(child);
    }
    await new Promise((r) => setTimeout(r, 200)); // let them subscribe
    return m;
  }

  /** Address events for `address` so far, in time order (lines read by the lab's own parseAddrLine). */
  events(address: string): AddrEvent[] {
    const out: AddrEvent[] = [];
    for (const [node, text] of this.lines) {
      for (const line of text.split('\n')) {
        const m = /^\[(\d{4}-\d\d-\d\dT[\d:.]+)\]\s+(.*)$/.exec(line);
        const kind = m ? parseAddrLine(m[2]!, address) : null;
        if (kind) out.push({ node, at: new Date(m![1]!.slice(0, 23)).getTime(), kind, address });
      }
    }
    return out.sort((a, b) => a.at - b.at);
  }

  /** The most holders at any one moment, replaying the events from `initial` holders (the lab's holderStats). */
  maxHolders(address: string, initial: string[], since = 0): number {
    const events = this.events(address).map((e) => ({ host: e.node, t: e.at, op: e.kind }));
    return holderStats(initial, events, since, Number.MAX_SAFE_INTEGER).maxHolders;
  }

  stop(): void {
    for (const c of this.children) c.kill('SIGKILL');
  }
}

/** The kernel's order: `old` lost `address` before `next` got it, and never did two hosts hold it (events from `since`). */
export function expectReleasedBeforeBound(mon: AddrMonitor, address: string, old: LabHost, next: LabHost, since: number): void {
  const ev = mon.events(address).filter((e) => e.at >= since);
  const del = ev.find((e) => e.kind === 'del' && e.node === old.name);
  const add = ev.find((e) => e.kind === 'add' && e.node === next.name);
  expect(del, JSON.stringify(ev)).toBeDefined();
  expect(add, JSON.stringify(ev)).toBeDefined();
  expect(del!.at).toBeLessThanOrEqual(add!.at);
  expect(mon.maxHolders(address, [old.name], since)).toBe(1);
}

export function nodeLog(lab: Lab, n: LabHost): Array<Record<string, unknown>> {
  const f = lab.logFile(n);
  return existsSync(f) ? parseLog(readFileSync(f, 'utf8')) : [];
}

/** Wait until every replica of the master is linked and in sync (a planned failover needs one). */
export async function replicasInSync(lab: Lab, master: LabHost, count = lab.topo.nodes.length - 1, timeoutMs = 40_000): Promise<void> {
  await waitFor(`${count} replica(s) linked and online`, async () => {
    const r = await lab.redisCli(master.ip, 6379, ['INFO', 'replication']);
    return (r.stdout.match(/state=online/g) ?? []).length >= count;
  }, timeoutMs, 100);
}

export const INCR_CLIENT = fileURLToPath(new URL('./incr-client.mjs', import.meta.url));
