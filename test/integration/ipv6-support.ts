/** Shared by the ipv6*.root.test.ts files: who holds the IPv6 VIP, the client's neighbour entry, what the client sent. */
import { expect } from 'vitest';
import { run } from '../../src/adapters/run';
import { waitFor, type Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { pidsIn } from './support';
import { newMasterWithVip, nodeLog, settledOn } from './watch-support';

/** ICMPv6 messages the client namespace has sent so far (its own counters: reading them sends nothing). */
/**
 * Neighbour Solicitations the client has sent (/proc/net/snmp6): had it
 * resolved the VIP itself, this would grow. (Not every ICMPv6 message: the
 * kernel's own Router Solicitations and MLD reports go out on their own
 * schedule after the link comes up (seen: one RS during a quick failover)
 * and say nothing about the VIP.)
 */
export async function clientIcmp6Out(lab: Lab): Promise<number> {
  const r = await run(['ip', 'netns', 'exec', lab.topo.client.ns, 'cat', '/proc/net/snmp6']);
  const m = /^Icmp6OutNeighborSolicits\s+(\d+)$/m.exec(r.stdout);
  if (!m) throw new Error(`no Icmp6OutNeighborSolicits in the client's /proc/net/snmp6: ${r.stdout.slice(0, 200)}`);
  return Number(m[1]);
}

/** Every Icmp6Out* counter of the client, for a failure message. */
export async function clientIcmp6Counters(lab: Lab): Promise<string> {
  const r = await run(['ip', 'netns', 'exec', lab.topo.client.ns, 'cat', '/proc/net/snmp6']);
  return r.stdout.split('\n').filter((l) => /^Icmp6Out\S+\s+[1-9]/.test(l)).map((l) => l.replace(/\s+/, '=')).join(' ');
}

/** Pids of IPv6 announcers (the ndp-announce repeater) running in a node's namespace. */
export function ndpAnnouncerPids(n: LabHost): Promise<number[]> {
  return pidsIn(n, (argv) => argv[1]?.endsWith('/ndp-announce.cjs') === true);
}

/** The client reaches the master through the VIP, so its neighbour table has the VIP (REACHABLE) on the master's MAC. */
export async function clientLearnsVip(lab: Lab, master: LabHost): Promise<void> {
  const r = await lab.redisCli(lab.topo.vip, 6379, ['ROLE'], 3000);
  expect(r.stdout.split('\n')[0], r.stderr).toBe('master');
  expect(await lab.clientNeighbourMac()).toBe(await lab.macOf(master));
}

/**
 * SIGKILL the master's redis-server; the VIP must end up on the new master
 * and nowhere else, put there by `cmd` (hook or watch) on the new master;
 * the client's neighbour entry must follow without the client sending a
 * single ICMPv6 message. Returns the old and new master.
 */
export async function killMasterAndFollow(lab: Lab, cmd: 'hook' | 'watch'): Promise<{ old: LabHost; next: LabHost }> {
  const old = await settledOn(lab, 30_000);
  await clientLearnsVip(lab, old);
  const sentBefore = await clientIcmp6Out(lab);
  const f = await lab.failover('sigkill');
  expect(f.node).toBe(old);
  const next = await newMasterWithVip(lab, old);
  expect(await lab.vipHolders()).toEqual([next]);
  const bind = nodeLog(lab, next).filter((l) => l.event === 'bind' && l.cmd === cmd && l.note === undefined).at(-1);
  // the hook got Sentinel's IPv6 <to-ip> (and logs it as host:port); the watcher decided from Sentinel's IPv6 answers
  expect(bind).toMatchObject({ vip: `${lab.topo.vip}/64`, interface: 'eth0', ...(cmd === 'hook' ? { to: `[${next.ip}]:6379` } : { desired: 'here' }) });
  expect(nodeLog(lab, next).some((l) => l.event === 'announce' && l.cmd === cmd)).toBe(true);
  // The VIP is bound deprecated (preferred_lft 0): the host never picks it as the source of its own connections,
  // even towards an address nearer the VIP than its own (fd00::1ff: longest-prefix match would pick fd00::100).
  const route = await lab.exec(next, ['ip', '-6', 'route', 'get', 'fd00::1ff']);
  expect(route.stdout).toMatch(new RegExp(` src ${next.ip} `));
  const vipInfo = (JSON.parse((await lab.exec(next, ['ip', '-6', '-json', 'addr', 'show', 'dev', 'eth0'])).stdout) as Array<{ addr_info: Array<Record<string, unknown>> }>)[0]!.addr_info.find((a) => a.local === lab.topo.vip);
  expect(vipInfo).toMatchObject({ deprecated: true, preferred_life_time: 0 });
  // The unsolicited NA moves the client's entry: nothing sent by the client.
  const mac = await lab.macOf(next);
  await waitFor(`the client's neighbour entry for ${lab.topo.vip} on ${next.name}'s MAC ${mac}`, async () => (await lab.clientNeighbourMac()) === mac, 10_000, 50);
  expect(await clientIcmp6Out(lab), await clientIcmp6Counters(lab)).toBe(sentBefore);
  return { old, next };
}
