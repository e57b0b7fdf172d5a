/**
 * The lab's disturbances and their undoing: what `lab failover` and `lab heal`
 * do, and what the tests and benchmarks fail over with.
 */
import { VipctlError } from '../core/errors';
import { describeFailure, ok } from '../adapters/run';
import { processState, running } from '../adapters/proc';
import { must } from './exec';
import type { Lab } from './lab';
import { SENTINEL_PORT, type FailoverKind, type LabHost } from './topology';
import { waitFor } from './wait';

/** A failover done: which kind, the node it hit, and when (epoch ms). */
export interface FailoverHit {
  kind: FailoverKind;
  node: LabHost;
  at: number;
}

/** Disturb master `index`'s current node. Returns the node hit and when (epoch ms). */
export async function failoverLab(lab: Lab, kind: FailoverKind, index = 0): Promise<FailoverHit> {
  // Each Sentinel has 500 ms to answer: on a loaded machine one may miss that once, so ask again for a while.
  const node = await waitFor('the Sentinels to agree on a master (nothing to fail over before that)', () => lab.sentinelMaster(index), 5000, 100);
  const at = Date.now();
  switch (kind) {
    case 'sigkill':
    case 'sigstop': {
      const pid = lab.pidOf(node, 'redis', index);
      if (!pid) throw new VipctlError('LAB', `no redis pid recorded for ${node.name} (master ${lab.master(index).name})`);
      process.kill(pid, kind === 'sigkill' ? 'SIGKILL' : 'SIGSTOP');
      break;
    }
    case 'link':
      await must(['ip', '-n', node.ns, 'link', 'set', node.ifname, 'down']);
      break;
    case 'sentinel': {
      const r = await lab.redisCli(lab.topo.nodes.find((n) => n !== node)!.ip, SENTINEL_PORT, ['SENTINEL', 'FAILOVER', lab.master(index).name]);
      if (!ok(r) || !r.stdout.startsWith('OK')) throw new VipctlError('LAB', `SENTINEL FAILOVER: ${r.stdout || describeFailure(r)}`);
      break;
    }
  }
  return { kind, node, at };
}

/** Undo every failover's damage on every node (see healNode). Returns what was done, a line per node that needed it. */
export async function healAll(lab: Lab): Promise<string[]> {
  const done: string[] = [];
  for (const n of lab.topo.nodes) {
    const what = await healNode(lab, n);
    if (what.length > 0) done.push(`${n.name}: ${what.join(', ')}`);
  }
  return done;
}

/** Undo a failover's damage on a node: link up, SIGCONT, restart a killed redis (it rejoins as a replica). Says what it did. */
export async function healNode(lab: Lab, node: LabHost): Promise<string[]> {
  const done: string[] = [];
  const link = await must(['ip', '-n', node.ns, '-json', 'link', 'show', node.ifname]);
  if (!(JSON.parse(link.stdout) as Array<{ flags?: string[] }>)[0]?.flags?.includes('UP')) {
    await must(['ip', '-n', node.ns, 'link', 'set', node.ifname, 'up']);
    done.push('link up');
  }
  for (const m of lab.masters) {
    const pid = lab.pidOf(node, 'redis', m.index);
    const which = lab.masters.length === 1 ? 'redis' : `redis ${m.port}`;
    // running() reads /proc: a SIGKILLed redis can linger as a zombie, which kill(0) would call alive.
    if (pid && running(pid)) {
      if (processState(pid) === 'T') done.push(`${which} SIGCONT`);
      process.kill(pid, 'SIGCONT');
    } else {
      await lab.startRedis(node, m.index);
      done.push(`${which} restarted`);
    }
  }
  return done;
}

/** SIGSTOP (pause) or SIGCONT (resume) one of the lab's processes on a node: its redis-server, its Sentinel or its watcher. */
export function signalLabProcess(lab: Lab, node: LabHost, what: 'redis' | 'sentinel' | 'watch', signal: 'SIGSTOP' | 'SIGCONT' | 'SIGKILL', index = 0): number {
  const pid = lab.pidOf(node, what, index);
  if (!pid || !running(pid)) throw new VipctlError('LAB', `no running ${what} recorded on ${node.name}`);
  process.kill(pid, signal);
  return pid;
}

/**
 * `CONFIG SET replica-priority` on a node's Redis (0: never promoted), then wait
 * until every Sentinel reports that priority for it (Sentinel reads it from the
 * replica's INFO, every 10 s at most): only then does a failover go by it.
 */
export async function setReplicaPriority(lab: Lab, node: LabHost, priority: number, index = 0, timeoutMs = 30_000): Promise<void> {
  const m = lab.master(index);
  const r = await lab.redisCli(node.ip, m.port, ['CONFIG', 'SET', 'replica-priority', String(priority)]);
  if (!ok(r) || !r.stdout.startsWith('OK')) throw new VipctlError('LAB', `CONFIG SET replica-priority on ${node.name}: ${r.stdout || describeFailure(r)}`);
  await waitFor(`every Sentinel to see replica-priority ${priority} on ${node.name}`, async () => {
    const seen = await Promise.all(lab.topo.nodes.map(async (s) => {
      const out = await lab.redisCli(s.ip, SENTINEL_PORT, ['SENTINEL', 'REPLICAS', m.name], 1000);
      if (!ok(out)) return false;
      // --raw: one field or value per line, replicas one after the other (each starts with "name")
      const lines = out.stdout.split('\n');
      for (let i = 0; i + 1 < lines.length; i++) {
        if (lines[i] !== 'name') continue;
        const fields = new Map<string, string>();
        for (let j = i; j + 1 < lines.length && (j === i || lines[j] !== 'name'); j += 2) fields.set(lines[j]!, lines[j + 1]!);
        if (fields.get('ip') === node.ip || lab.nodeByIp(fields.get('ip') ?? '') === node) return fields.get('slave-priority') === String(priority);
      }
      return false;
    }));
    return seen.every(Boolean);
  }, timeoutMs, 250);
}
