/**
 * `vipctl lab status`: one screen on a running lab: who holds the VIP, what
 * each Sentinel says, each node's role, and where the client's ARP entry for
 * the VIP points. Read-only (ROLE and SENTINEL GET-MASTER-ADDR-BY-NAME from
 * the client host, `ip -json` reads).
 */
import { formatTable } from '../core/table';
import { ok } from '../adapters/run';
import type { Lab } from './lab';
import { LAB_MASTER_NAME, REDIS_PORT, SENTINEL_PORT } from './topology';
import { labHostName } from './hostnames';

export interface LabNodeStatus {
  name: string;
  ip: string;
  mac: string;
  holdsVip: boolean;
  /** ip:port this node's Sentinel gives for the master, or the error. */
  sentinelSays: string | null;
  sentinelError?: string;
  role: string | null;
}

export interface LabStatus {
  id: string;
  mode: string;
  vip: string;
  nodes: LabNodeStatus[];
  /** Node a majority of Sentinels names, or null. */
  sentinelMaster: string | null;
  /** MAC in the client's neighbour table for the VIP, and whose it is. */
  clientArp: { mac: string | null; node: string | null };
}

/** `ip:port` from redis-cli --raw's two-line reply, or null for an error or nil. */
function addrReply(stdout: string): string | null {
  const lines = stdout.split('\n');
  return lines.length >= 2 && /^\S+$/.test(lines[0]!) && /^\d+$/.test(lines[1]!) ? `${lines[0]}:${lines[1]}` : null;
}

export async function labStatus(lab: Lab): Promise<LabStatus> {
  const t = lab.topo;
  const holders = await lab.vipHolders();
  // One node after the other, with a generous deadline: a busy 2-core machine
  // makes parallel `ip netns exec` slow, and a timeout must not read as "down".
  const nodes: LabNodeStatus[] = [];
  for (const n of t.nodes) {
    const s = await lab.redisCli(n.ip, SENTINEL_PORT, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', LAB_MASTER_NAME], 2000);
    const r = await lab.redisCli(n.ip, REDIS_PORT, ['ROLE'], 2000);
    const says = ok(s) ? addrReply(s.stdout) : null;
    const role = ok(r) ? r.stdout.split('\n')[0]! : '';
    nodes.push({
      name: n.name,
      ip: n.ip,
      mac: await lab.macOf(n).catch(() => '?'),
      holdsVip: holders.some((h) => h.name === n.name),
      sentinelSays: says,
      ...(says ? {} : { sentinelError: s.failedToStart ?? (s.stdout.trim() || s.stderr.trim() || 'no answer') }),
      role: /^(master|slave)$/.test(role) ? role : null,
    });
  }
  const clientMac = await lab.clientNeighbourMac().catch(() => null);
  return {
    id: lab.id,
    mode: lab.mode,
    vip: t.vip,
    nodes,
    sentinelMaster: majorityNode(nodes),
    clientArp: { mac: clientMac, node: nodes.find((n) => n.mac === clientMac)?.name ?? null },
  };
}

/** The node whose address a strict majority of the Sentinels give, or null. */
export function majorityNode(nodes: readonly LabNodeStatus[]): string | null {
  for (const n of nodes) {
    // host:port with the port after the last colon (IPv6 addresses have colons); a host name under --hostnames
    const says = (x: LabNodeStatus) => x.sentinelSays?.slice(0, x.sentinelSays.lastIndexOf(':'));
    const votes = nodes.filter((x) => x.sentinelSays !== null && (says(x) === n.ip || says(x) === labHostName(n))).length;
    if (votes * 2 > nodes.length) return n.name;
  }
  return null;
}

/** Pure rendering of a LabStatus. */
export function formatLabStatus(s: LabStatus, colour = false): string[] {
  const rows = s.nodes.map((n) => [
    n.name,
    n.ip,
    n.holdsVip ? { text: 'yes', colour: 'green' as const } : 'no',
    n.sentinelSays ?? { text: n.sentinelError ?? 'no answer', colour: 'yellow' as const },
    n.role ?? { text: 'down', colour: 'red' as const },
    n.mac,
  ]);
  const holders = s.nodes.filter((n) => n.holdsVip).map((n) => n.name);
  return [
    `lab ${s.id} (mode ${s.mode}), VIP ${s.vip}`,
    ...formatTable(['NODE', 'IP', 'HOLDS VIP', 'ITS SENTINEL SAYS', 'REDIS ROLE', 'MAC'], rows, colour),
    `Sentinel majority: ${s.sentinelMaster ?? 'none'}; VIP held by: ${holders.join(', ') || 'nobody'}${holders.length > 1 ? ' (more than one host!)' : ''}; client's ARP entry for the VIP: ${s.clientArp.mac ? `${s.clientArp.mac} (${s.clientArp.node ?? 'not a node'})` : 'none'}`,
  ];
}
