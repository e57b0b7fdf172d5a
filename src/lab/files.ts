/** Config files the lab writes for each node: redis.conf, sentinel.conf, and the one vipctl.yaml shared by all. */
import type { LabHost, Topology } from './topology';
import { LAB_MASTER_NAME, LAB_SUBNET_PREFIX, REDIS_PORT, SENTINEL_PORT } from './topology';

export interface LabTimings {
  downAfterMs: number;
  failoverTimeoutMs: number;
}

export const DEFAULT_TIMINGS: LabTimings = { downAfterMs: 1000, failoverTimeoutMs: 10_000 };

export function redisConf(node: LabHost, master: LabHost, dir: string): string {
  return [
    `port ${REDIS_PORT}`,
    // 0.0.0.0 so that Redis answers on the VIP as well (vipctl doctor checks this).
    'bind 0.0.0.0',
    'protected-mode no',
    'daemonize no',
    `dir ${dir}`,
    `logfile ${dir}/redis.log`,
    'save ""',
    'appendonly no',
    // no 5 s wait before the first full sync: replicas link as soon as they start
    'repl-diskless-sync-delay 0',
    ...(node === master ? [] : [`replicaof ${master.ip} ${REDIS_PORT}`]),
    '',
  ].join('\n');
}

export function sentinelConf(master: LabHost, dir: string, hookPath: string | null, timings: LabTimings): string {
  return [
    `port ${SENTINEL_PORT}`,
    'bind 0.0.0.0',
    'protected-mode no',
    'daemonize no',
    `dir ${dir}`,
    `logfile ${dir}/sentinel.log`,
    `sentinel monitor ${LAB_MASTER_NAME} ${master.ip} ${REDIS_PORT} 2`,
    `sentinel down-after-milliseconds ${LAB_MASTER_NAME} ${timings.downAfterMs}`,
    `sentinel failover-timeout ${LAB_MASTER_NAME} ${timings.failoverTimeoutMs}`,
    `sentinel parallel-syncs ${LAB_MASTER_NAME} 1`,
    ...(hookPath ? [`sentinel client-reconfig-script ${LAB_MASTER_NAME} ${hookPath}`] : []),
    'sentinel deny-scripts-reconfig yes',
    '',
  ].join('\n');
}

export function vipctlYaml(t: Topology): string {
  return [
    '# One file for every node of the lab: vipctl finds the local addresses itself.',
    'sentinel:',
    `  addresses: [${t.nodes.map((n) => `${n.ip}:${SENTINEL_PORT}`).join(', ')}]`,
    'masters:',
    `  ${LAB_MASTER_NAME}:`,
    `    vip: ${t.vip}/${LAB_SUBNET_PREFIX}`,
    'announce:',
    '  count: 3',
    '  intervalSeconds: 1',
    'lockTimeoutMs: 10000',
    '',
  ].join('\n');
}
