/**
 * `lab up --masters N`: N Redis masters monitored by the same three
 * Sentinels, each with its own name, port and VIP. Master i (0-based) is
 * `mymaster` for i = 0 (today's lab, unchanged), then `m2`, `m3`, ...; it
 * listens on port 6379 + i on every node, starts on node i mod 3 (so the
 * masters are spread over the nodes, as a real cluster's would be), and its
 * VIP is 198.18.0.100 + i /24 (IPv6 labs: fd00::100 + i /64, in hex).
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
 * Master `index`; the first takes the topology's own VIP when one is given,
 * and the others count up from it in its family: 198.18.0.100 + i, or for an
 * IPv6 lab fd00::100 + i (the last group, in hex), each with the first's prefix.
 */
export function labMaster(index: number, first: { vip: string; vipCidr: string } = { vip: LAB_VIP, vipCidr: `${LAB_VIP}/${LAB_SUBNET_PREFIX}` }): LabMaster {
  const prefix = first.vipCidr.slice(first.vipCidr.indexOf('/'));
  const v6 = first.vip.includes(':');
  const cut = v6 ? first.vip.lastIndexOf(':') + 1 : first.vip.lastIndexOf('.') + 1;
  const last = Number.parseInt(first.vip.slice(cut), v6 ? 16 : 10) + index;
  const vip = index === 0 ? first.vip : `${first.vip.slice(0, cut)}${v6 ? last.toString(16) : last}`;
  return { index, name: index === 0 ? LAB_MASTER_NAME : `m${index + 1}`, port: REDIS_PORT + index, vip, vipCidr: `${vip}${prefix}` };
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
