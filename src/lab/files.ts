/** Config files the lab writes for each node: redis.conf, sentinel.conf, and the one vipctl.yaml shared by all. */
import { aclUserLine } from '../core/acl';
import type { LabHost, Topology } from './topology';
import { bindLine, hostPort, type LabFamily } from './ipv6';
import { LAB_REDIS_PASSWORD, LAB_SENTINEL_PASSWORD, LAB_SENTINEL_USER, LAB_SUBNET_PREFIX, SENTINEL_PORT } from './topology';
import { initialNode, labMaster, redisFileStem, type LabMaster } from './masters';
import { tlsConfLines, tlsYaml } from './tls';
import { labHostName } from './hostnames';

export interface LabFileOptions {
  /** `lab up --tls`: the directory of the lab's certificates (src/lab/tls.ts); null: plain TCP. */
  tlsDir?: string | null;
  /** `lab up --hostnames`: nodes named by host name (src/lab/hostnames.ts). */
  hostnames?: boolean;
}

const familyOf = (h: LabHost): LabFamily => (h.ip.includes(':') ? 6 : 4);

export interface LabTimings {
  downAfterMs: number;
  failoverTimeoutMs: number;
}

export const DEFAULT_TIMINGS: LabTimings = { downAfterMs: 1000, failoverTimeoutMs: 10_000 };

export function redisConf(node: LabHost, master: LabHost, dir: string, m: LabMaster = labMaster(0), o: LabFileOptions = {}): string {
  return [
    ...(o.tlsDir ? tlsConfLines(o.tlsDir, node, m.port) : [`port ${m.port}`]),
    // every address so that Redis answers on the VIP as well (vipctl doctor checks this).
    bindLine(familyOf(master)),
    'protected-mode no',
    'daemonize no',
    `dir ${dir}`,
    `logfile ${dir}/${redisFileStem(m)}.log`,
    ...(m.index === 0 ? [] : [`dbfilename ${redisFileStem(m)}.rdb`]),
    'save ""',
    'appendonly no',
    // no 5 s wait before the first full sync: replicas link as soon as they start
    'repl-diskless-sync-delay 0',
    `requirepass ${LAB_REDIS_PASSWORD}`,
    `masterauth ${LAB_REDIS_PASSWORD}`,
    // --hostnames: a replica gives Sentinel its name, and follows its master by name
    ...(o.hostnames ? [`replica-announce-ip ${labHostName(node)}`] : []),
    ...(node === master ? [] : [`replicaof ${o.hostnames ? labHostName(master) : master.ip} ${m.port}`]),
    '',
  ].join('\n');
}

/** Every master of the lab, each on the node it starts on (initialNode). `node`: the Sentinel's own node (its TLS certificate). */
export function sentinelConf(nodes: readonly LabHost[], masters: readonly LabMaster[], dir: string, hookPath: string | null, timings: LabTimings, o: LabFileOptions & { node?: LabHost } = {}): string {
  return [
    ...(o.tlsDir && o.node ? tlsConfLines(o.tlsDir, o.node, SENTINEL_PORT) : [`port ${SENTINEL_PORT}`]),
    bindLine(familyOf(nodes[0]!)),
    'protected-mode no',
    'daemonize no',
    `dir ${dir}`,
    `logfile ${dir}/sentinel.log`,
    // Clients and the other Sentinels must authenticate to this one.
    `requirepass ${LAB_SENTINEL_PASSWORD}`,
    `sentinel sentinel-pass ${LAB_SENTINEL_PASSWORD}`,
    // vipctl's least-privilege user (the line vipctl doctor prints): every lab runs vipctl with it
    aclUserLine(LAB_SENTINEL_USER, `>${LAB_SENTINEL_PASSWORD}`),
    // --hostnames: names in the config, and in every reply, event and hook argument (before the monitor lines that use them)
    ...(o.hostnames ? ['sentinel resolve-hostnames yes', 'sentinel announce-hostnames yes'] : []),
    ...masters.flatMap((m) => [
      `sentinel monitor ${m.name} ${o.hostnames ? labHostName(initialNode(m, nodes)) : initialNode(m, nodes).ip} ${m.port} 2`,
      `sentinel down-after-milliseconds ${m.name} ${timings.downAfterMs}`,
      `sentinel failover-timeout ${m.name} ${timings.failoverTimeoutMs}`,
      `sentinel parallel-syncs ${m.name} 1`,
      `sentinel auth-pass ${m.name} ${LAB_REDIS_PASSWORD}`,
      ...(hookPath ? [`sentinel client-reconfig-script ${m.name} ${hookPath}`] : []),
    ]),
    'sentinel deny-scripts-reconfig yes',
    '',
  ].join('\n');
}

export function vipctlYaml(t: Topology, masters: readonly LabMaster[] = [labMaster(0, t)], o: LabFileOptions = {}): string {
  return [
    '# One file for every node of the lab: vipctl finds the local addresses itself.',
    'sentinel:',
    `  addresses: [${t.nodes.map((n) => (n.ip.includes(':') ? `"${hostPort(n.ip, SENTINEL_PORT)}"` : hostPort(n.ip, SENTINEL_PORT))).join(', ')}]`,
    `  username: ${LAB_SENTINEL_USER}`,
    `  password: ${LAB_SENTINEL_PASSWORD}`,
    ...(o.tlsDir ? tlsYaml(o.tlsDir) : []),
    'redis:',
    `  password: ${LAB_REDIS_PASSWORD}`,
    ...(o.tlsDir ? tlsYaml(o.tlsDir) : []),
    'masters:',
    ...masters.flatMap((m) => [`  ${m.name}:`, `    vip: ${m.vipCidr}`]),
    'announce:',
    '  count: 3',
    '  intervalSeconds: 1',
    'lockTimeoutMs: 10000',
    '',
  ].join('\n');
}

/**
 * The classic client-reconfig-script from the blogs, as published (minus sudo:
 * Sentinel runs as root in the lab), with this host's LOCAL_IP hard-coded, as
 * that script wants. For comparisons only (`lab up --mode bash`, the benchmarks).
 */
export function bashHookScript(localIp: string | null, vip: string, ifname: string): string {
  return `#!/bin/bash
${localIp === null ? '# LOCAL_IP comes from the environment' : `LOCAL_IP='${localIp}'`}
MASTER_IP=$6
VIP='${vip}'
NETMASK='${LAB_SUBNET_PREFIX}'
INTERFACE='${ifname}'
if [ \${MASTER_IP} = \${LOCAL_IP} ]; then
    ip addr add \${VIP}/\${NETMASK} dev \${INTERFACE}
    arping -q -c 3 -A -I \${INTERFACE} \${VIP}
    exit 0
else
    ip addr del \${VIP}/\${NETMASK} dev \${INTERFACE}
    exit 0
fi
exit 1
`;
}
