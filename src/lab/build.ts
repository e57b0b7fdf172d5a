/**
 * `lab up`'s build: namespaces, bridge and addresses, certificates, config
 * files, redis-server and redis-sentinel on every node, then the first bind
 * the lab's mode calls for. Every namespace and /etc/netns directory goes
 * into the state file (record) before anything is put in it, so `down` can
 * undo a build cut off at any step.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VipctlError } from '../core/errors';
import { describeFailure, ok, type RunResult } from '../adapters/run';
import { must } from './exec';
import { bashHookScript, redisConf, sentinelConf, vipctlYaml, type LabTimings } from './files';
import { ensureNetnsEtc, labHostName, labHostsFile, NETNS_ETC, netnsEtcDirs, writeNetnsEtcDir } from './hostnames';
import { hostAddrArgv, noDadArgv } from './ipv6';
import type { Lab } from './lab';
import { initialNode, redisFileStem } from './masters';
import type { LabState } from './state';
import { makeLabCerts } from './tls';
import { allNamespaces, type LabHost } from './topology';
import { waitEach, waitFor } from './wait';

/** How the build reports: a change to the lab's state (saved at once) and a progress line. */
export interface LabRecorder {
  record(change: (state: LabState) => void): void;
  progress(step: string): void;
}

export async function buildLab(lab: Lab, { record, progress }: LabRecorder, timings: LabTimings): Promise<void> {
  const t = lab.topo;
  const hosts = [...t.nodes, t.client];
  progress(`creating namespaces ${allNamespaces(t).join(', ')}`);
  for (const ns of allNamespaces(t)) {
    await must(['ip', 'netns', 'add', ns]);
    record((s) => s.namespaces.push(ns));
    if (t.family === 6) await must(noDadArgv(ns));
  }
  if (lab.hostnames) {
    // before any process starts: `ip netns exec` mounts these files at exec time
    const made = ensureNetnsEtc();
    record((s) => {
      s.madeNetnsEtc = made;
      s.netnsEtc = [];
    });
    const hostsFile = labHostsFile(t);
    for (const dir of netnsEtcDirs(t)) {
      writeNetnsEtcDir(dir, hostsFile, (madeDir) => record((s) => s.netnsEtc!.push(madeDir)));
    }
    progress(`host names: ${[...t.nodes, t.client].map((h) => `${labHostName(h)}=${h.ip}`).join(' ')} (${NETNS_ETC}/<ns>/hosts)`);
  }
  await must(['ip', '-n', t.switchNs, 'link', 'add', t.bridge, 'type', 'bridge']);
  await must(['ip', '-n', t.switchNs, 'link', 'set', t.bridge, 'up']);
  await Promise.all(
    hosts.map(async (h) => {
      await must(['ip', '-n', t.switchNs, 'link', 'add', h.name, 'type', 'veth', 'peer', 'name', h.ifname, 'netns', h.ns]);
      await must(['ip', '-n', t.switchNs, 'link', 'set', h.name, 'master', t.bridge, 'up']);
      await must(hostAddrArgv(h.ns, h.ip, t.prefix, h.ifname));
      await must(['ip', '-n', h.ns, 'link', 'set', h.ifname, 'up']);
      await must(['ip', '-n', h.ns, 'link', 'set', 'lo', 'up']);
    }),
  );
  progress(`bridge ${t.bridge} up; hosts ${hosts.map((h) => `${h.name}=${h.ip}`).join(' ')}`);

  const master = t.nodes[0]!;
  const tlsDir = lab.tlsDir;
  if (tlsDir) {
    await makeLabCerts(tlsDir, t.nodes, t.vip);
    progress(`TLS: a CA, a certificate per node and a client certificate in ${tlsDir}`);
  }
  const ms = lab.masters;
  // It holds passwords: readable by root only, as vipctl wants it.
  writeFileSync(lab.configPath, vipctlYaml(t, ms, { tlsDir }), { mode: 0o600 });
  const hostnames = lab.hostnames;
  for (const n of t.nodes) {
    const d = lab.nodeDir(n);
    mkdirSync(join(d, 'run'), { recursive: true, mode: 0o700 });
    for (const m of ms) writeFileSync(join(d, `${redisFileStem(m)}.conf`), redisConf(n, initialNode(m, t.nodes), d, m, { tlsDir, hostnames }));
    writeFileSync(join(d, 'sentinel.conf'), sentinelConf(t.nodes, ms, d, reconfigScript(lab, n), timings, { tlsDir, node: n, hostnames }));
  }
  const instances = t.nodes.flatMap((n) => ms.map((m) => [n, m] as const));
  await Promise.all(instances.map(([n, m]) => lab.startRedis(n, m.index)));
  // At most 8 probes at a time: with --masters 50 that is 150 instances, and every probe is a process.
  await waitEach(instances, ([n, m]) => `redis ${m.port} on ${n.name}`, async ([n, m]) => (await lab.redisCli(n.ip, m.port, ['PING'])).stdout === 'PONG', 20_000 + 400 * instances.length);
  // Replicas linked before the Sentinels start: Sentinel learns them from the
  // master's INFO, which it refreshes only every 10 s once it has looked.
  await waitEach(ms, (m) => `both replicas linked to master ${m.name}`, async (m) => {
    const r = await lab.redisCli(initialNode(m, t.nodes).ip, m.port, ['INFO', 'replication']);
    return new RegExp(`connected_slaves:${t.nodes.length - 1}\\b`).test(r.stdout) && (r.stdout.match(/state=online/g) ?? []).length === t.nodes.length - 1;
  }, 15_000 + 400 * ms.length);
  progress(ms.length === 1 ? `redis-server up on ${t.nodes.map((n) => n.name).join(', ')} (master ${master.name} ${master.ip}, ${t.nodes.length - 1} replicas linked)` : `${ms.length} masters up, spread over ${t.nodes.map((n) => n.name).join(', ')} (ports ${ms[0]!.port}-${ms[ms.length - 1]!.port}), ${t.nodes.length - 1} replicas linked to each`);
  await Promise.all(t.nodes.map((n) => lab.startSentinel(n)));
  await waitFor('sentinels to see each other and every replica', async () => {
    const views = await Promise.all(t.nodes.map((n) => lab.sentinelMastersInfo(n)));
    return views.every((v) => v.length === ms.length && v.every((e) => e['num-other-sentinels'] === String(t.nodes.length - 1) && e['num-slaves'] === String(t.nodes.length - 1)));
  }, 60_000, 100);
  progress(`redis-sentinel up on every node; quorum 2 of ${t.nodes.length}`);
  await firstBind(lab, progress);
}

/** What Sentinel runs as client-reconfig-script on a node in this lab's mode, if anything. */
function reconfigScript(lab: Lab, n: LabHost): string | null {
  if (lab.mode === 'hook' || lab.mode === 'both') return lab.hookPath;
  if (lab.mode !== 'bash') return null;
  const script = join(lab.nodeDir(n), 'classic-hook.sh');
  writeFileSync(script, bashHookScript(n.ip, lab.topo.vip, n.ifname), { mode: 0o755 }); // the first master's VIP only
  return script;
}

/** The VIP onto the master, the way each mode's users do it; then wait until it is there and only there. */
async function firstBind(lab: Lab, progress: (step: string) => void): Promise<void> {
  const t = lab.topo;
  const master = t.nodes[0]!;
  let how: string;
  switch (lab.mode) {
    case 'none':
      return;
    case 'bash':
      // The classic setup: a manual first bind on the master.
      await must(['ip', '-n', master.ns, 'addr', 'add', t.vipCidr, 'dev', master.ifname]);
      how = `manual "ip addr add" on ${master.name} (the classic hook's first bind)`;
      break;
    case 'watch':
      // No first bind at all: each node's watcher decides for itself.
      await Promise.all(t.nodes.map((n) => lab.startWatch(n)));
      how = 'vipctl watch on every node';
      break;
    case 'hook':
    case 'both':
      // No manual first bind: the same command on every node, each decides for itself.
      // exit 1 is transient (say, a Sentinel slow to answer on a loaded machine): run it again
      await Promise.all(t.nodes.map(async (n) => {
        let last: RunResult | null = null;
        await waitFor(`vipctl reconcile on ${n.name} to succeed`, async () => {
          last = await lab.vipctl(n, ['reconcile']);
          if (last.exitCode !== 0 && last.exitCode !== 1) throw new VipctlError('LAB', `vipctl reconcile on ${n.name}: ${describeFailure(last)}`);
          return last.exitCode === 0;
        }, 15_000, 200).catch((e: Error) => {
          throw last && !ok(last) ? new VipctlError('LAB', `vipctl reconcile on ${n.name}: ${describeFailure(last)}`) : e;
        });
      }));
      if (lab.mode === 'both') await Promise.all(t.nodes.map((n) => lab.startWatch(n)));
      how = lab.mode === 'both' ? 'vipctl reconcile on every node, then vipctl watch' : 'vipctl reconcile on every node';
      break;
  }
  const ms = lab.mode === 'bash' ? [lab.masters[0]!] : lab.masters;
  await Promise.all(
    ms.map((m) =>
      waitFor(`VIP ${m.vip} on ${initialNode(m, t.nodes).name} only`, async () => {
        const h = await lab.vipHolders(m.index);
        return h.length === 1 && h[0] === initialNode(m, t.nodes);
      }, 10_000 + 200 * ms.length),
    ),
  );
  progress(ms.length === 1 ? `${how}: VIP ${t.vip} bound on ${master.name}` : `${how}: each of the ${ms.length} VIPs bound on its master`);
}
