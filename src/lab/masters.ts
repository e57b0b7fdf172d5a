/**
 * `lab up --masters N`: N Redis masters monitored by the same three
 * Sentinels, each with its own name, port and VIP. Master i (0-based) is
 * `mymaster` for i = 0 (today's lab, unchanged), then `m2`, `m3`, ...; it
 * listens on port 6379 + i on every node, starts on node i mod 3 (so the
 * masters are spread over the nodes, as a real cluster's would be), and its
 * VIP is 198.18.0.100 + i /24.
 */
import { LAB_MASTER_NAME, LAB_SUBNET_PREFIX, LAB_VIP, REDIS_PORT, type LabHost } from './topology';

export const MAX_LAB_MASTERS = 100;

export interface LabMaster {
  index: number;
  name: string;
  port: number;
  vip: string;
  vipCidr: string;
}

export function checkMasterCount(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_LAB_MASTERS) throw new Error(`--masters must be an integer from 1 to ${MAX_LAB_MASTERS}, got ${n}`);
  return n;
}

/**
 * Master `index`; the first takes the topology's own VIP when one is given
 * (IPv6 labs: fd00::100/64). `lab up --ipv6` has one master only.
 */
export function labMaster(index: number, first?: { vip: string; vipCidr: string }): LabMaster {
  if (index === 0 && first) return { index, name: LAB_MASTER_NAME, port: REDIS_PORT, vip: first.vip, vipCidr: first.vipCidr };
  const base = LAB_VIP.split('.').map(Number);
  const vip = [...base.slice(0, 3), base[3]! + index].join('.');
  return { index, name: index === 0 ? LAB_MASTER_NAME : `m${index + 1}`, port: REDIS_PORT + index, vip, vipCidr: `${vip}/${LAB_SUBNET_PREFIX}` };
}

export function labMasters(count: number, first?: { vip: string; vipCidr: string }): LabMaster[] {
  return Array.from({ length: checkMasterCount(count) }, (_, i) => labMaster(i, first));
}

/** The node master i starts on. */
export function initialNode<T extends LabHost>(m: LabMaster, nodes: readonly T[]): T {
  return nodes[m.index % nodes.length]!;
}

/** Per-instance file names on a node: the first master keeps today's (redis.conf, redis.log, redis.out). */
export function redisFileStem(m: LabMaster): string {
  return m.index === 0 ? 'redis' : `redis-${m.port}`;
}
