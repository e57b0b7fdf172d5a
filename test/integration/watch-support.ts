/**
 * Helpers for the watch integration tests: record `ip monitor address` per node with
 * timestamps, read the logs, wait for the cluster. Processes started here are
 * killed by pid (lab.down() also kills whatever runs in its namespaces).
 */
import { expect } from 'vitest';
import type { AddrMonitor } from '../../src/lab/addr-monitor';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitFor, type Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { running } from '../../src/adapters/proc';
import { parseLogFile } from './support';

export { newMasterWithVip, settledOn } from './support';
export { AddrMonitor } from '../../src/lab/addr-monitor';

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

/** The kernel's order: `old` lost `address` before `next` got it, and never did two hosts hold it (events from `since`). */
export function expectReleasedBeforeBound(mon: AddrMonitor, address: string, old: LabHost, next: LabHost, since: number): void {
  const ev = mon.of(address).filter((e) => e.t >= since);
  const del = ev.find((e) => e.op === 'del' && e.host === old.name);
  const add = ev.find((e) => e.op === 'add' && e.host === next.name);
  expect(del, JSON.stringify(ev)).toBeDefined();
  expect(add, JSON.stringify(ev)).toBeDefined();
  expect(del!.t).toBeLessThanOrEqual(add!.t);
  expect(mon.maxHolders(address, [old.name], since)).toBe(1);
}

export function nodeLog(lab: Lab, n: LabHost): Array<Record<string, unknown>> {
  const f = lab.logFile(n);
  return existsSync(f) ? parseLogFile(readFileSync(f, 'utf8')) : [];
}

/** Wait until every node's watcher has subscribed to all the Sentinels (before a failover whose events it must hear). */
export async function watchersSubscribed(lab: Lab, timeoutMs = 20_000, since = 0): Promise<void> {
  const sentinels = lab.topo.nodes.length;
  const subscribed = (l: Record<string, unknown>) => l.event === 'sentinel-up' && Date.parse(String(l.time)) >= since;
  await waitFor(`every watcher subscribed to the ${sentinels} Sentinels`, async () => lab.topo.nodes.every((n) => nodeLog(lab, n).filter(subscribed).length >= sentinels), timeoutMs, 100);
}

/** Wait until every replica of the master is linked and in sync (a planned failover needs one). */
export async function replicasInSync(lab: Lab, master: LabHost, count = lab.topo.nodes.length - 1, timeoutMs = 40_000): Promise<void> {
  await waitFor(`${count} replica(s) linked and online`, async () => {
    const r = await lab.redisCli(master.ip, 6379, ['INFO', 'replication']);
    return (r.stdout.match(/state=online/g) ?? []).length >= count;
  }, timeoutMs, 100);
}

export const INCR_CLIENT = fileURLToPath(new URL('./incr-client.mjs', import.meta.url));

const FAILOVER_LINE = /[+-](?:sdown|odown|try-failover|elected-leader|selected-slave|promoted-slave|switch-master|failover-end|failover-abort[\w-]*|new-epoch|tilt|convert-to-slave)\b/;

/** Every Sentinel's failover lines (from its own log file), each prefixed with the node: the history an assertion message needs. */
export function sentinelHistory(lab: Lab): string {
  return lab.topo.nodes
    .flatMap((n) => {
      const f = `${lab.nodeDir(n)}/sentinel.log`;
      return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter((l) => FAILOVER_LINE.test(l)).map((l) => `${n.name} ${l}`) : [];
    })
    .join('\n');
}
