/**
 * The lab's fixed shape: three Redis nodes (each with its Sentinel) and a
 * client, each in its own network namespace, joined by a bridge that lives in
 * a fourth "switch" namespace. Nothing is created in the root namespace. Each
 * lab is its own L2 island, so every lab can use the same addresses
 * (198.18.0.0/24, from the benchmarking range 198.18.0.0/15; with --ipv6 fd00::/64).
 */
import { LAB6_PREFIX, LAB6_VIP, labHostIp, type LabFamily } from './ipv6';
export const LAB_SUBNET_PREFIX = 24;
export const LAB_MASTER_NAME = 'mymaster';
export const LAB_VIP = '198.18.0.100';
export const REDIS_PORT = 6379;
export const SENTINEL_PORT = 26379;
/** The lab's Redis and Sentinels require passwords, as production ones do. */
export const LAB_REDIS_PASSWORD = 'lab-redis-secret';
export const LAB_SENTINEL_PASSWORD = 'lab-sentinel-secret';
/** vipctl talks to the lab's Sentinels as this least-privilege ACL user (same password; redis-cli uses the default user). */
export const LAB_SENTINEL_USER = 'vipctl';

/** How `lab failover` disturbs the master: SIGKILL or SIGSTOP its redis-server, cut its link, or a planned SENTINEL FAILOVER. */
export const FAILOVER_KINDS = ['sigkill', 'sigstop', 'link', 'sentinel'] as const;
export type FailoverKind = (typeof FAILOVER_KINDS)[number];

/**
 * How the VIP is kept on the master:
 * - `watch`: `vipctl watch` runs on every node (the daemon);
 * - `hook`: Sentinel runs `vipctl` as its client-reconfig-script;
 * - `both`: the two at once (they share the per-VIP lock);
 * - `bash`: Sentinel runs the classic blog script (LOCAL_IP per host), for comparison;
 * - `none`: nothing moves the VIP.
 */
export const LAB_MODES = ['watch', 'hook', 'both', 'bash', 'none'] as const;
export type LabMode = (typeof LAB_MODES)[number];

export interface LabHost {
  /** n1, n2, n3, cl */
  name: string;
  /** Network namespace name. */
  ns: string;
  ip: string;
  /** Interface name inside the host namespace. */
  ifname: string;
}

export interface Topology {
  id: string;
  /** 4: 198.18.0.0/24; 6 (`lab up --ipv6`): fd00::/64, Redis and Sentinel over IPv6 (src/lab/ipv6.ts). */
  family: LabFamily;
  /** Prefix length of the lab's subnet (the hosts' addresses and the VIP). */
  prefix: number;
  switchNs: string;
  bridge: string;
  nodes: LabHost[];
  client: LabHost;
  vip: string;
  vipCidr: string;
}

export function topology(id: string, nodeCount = 3, family: LabFamily = 4): Topology {
  if (!/^[a-z0-9]{1,12}$/.test(id)) throw new Error(`lab id must be 1-12 lowercase letters/digits, got "${id}"`);
  const host = (name: string, octet: number): LabHost => ({ name, ns: `vl-${id}-${name}`, ip: labHostIp(family, octet), ifname: 'eth0' });
  const vip = family === 6 ? LAB6_VIP : LAB_VIP;
  const prefix = family === 6 ? LAB6_PREFIX : LAB_SUBNET_PREFIX;
  return {
    id,
    family,
    prefix,
    switchNs: `vl-${id}-sw`,
    bridge: 'br0',
    nodes: Array.from({ length: nodeCount }, (_, i) => host(`n${i + 1}`, 11 + i)),
    client: host('cl', 50),
    vip,
    vipCidr: `${vip}/${prefix}`,
  };
}

export function allNamespaces(t: Topology): string[] {
  return [t.switchNs, ...t.nodes.map((n) => n.ns), t.client.ns];
}
