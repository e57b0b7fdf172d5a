/**
 * `vipctl status [--json]`: for each master, what this host has, what every
 * Sentinel says, what this host's Redis says it is, whether another host
 * answers for the VIP, and a verdict. Read-only. Exit 0 when every verdict
 * is ok, 1 otherwise (a monitoring check), 2 on a bad config.
 */
import type { Config, MasterConfig } from '../core/config';
import { boundOn, resolveInterface, segmentAddresses, type Link } from '../core/local';
import { localRedisTarget } from '../core/local-redis';
import { masterHost } from '../core/sentinel-view';
import { describeMover, formatStatus, type MasterStatus, type MoverFacts, type StatusReport } from '../core/status-report';
import { useColour } from '../core/table';
import { statusExitCode, verdictOf } from '../core/verdict';
import { foreignMacs } from '../core/watch/conflict';
import { describeHold, holding } from '../core/hold';
import { probeDuplicate } from '../adapters/dup-probe';
import { readHold } from '../adapters/hold-store';
import { readLinks } from '../adapters/ip';
import { role, sentinelMaster } from '../adapters/redis-client';
import { askSentinelsForAll } from '../adapters/sentinel';
import { realpathOrNull, vipctlBin } from '../adapters/host';
import { systemHost } from '../doctor/host';
import { localAddresses } from '../core/local';
import { isThisVipctl, localSentinelOf, ourHookScripts } from '../core/local-hook';
import { inSea } from '../adapters/sea';
import { desiredFromMaster, type Resolved } from '../core/desired';
import { isHostName } from '../core/address';
import { joinHostPort } from '../core/sentinel-view';
import { resolveMasterNames } from '../pass/resolve-masters';
import type { SentinelView } from '../core/sentinel-view';
import { failureKind, fenceNow } from '../core/watch/fence';

/** What status reads, injectable (test/commands/status.test.ts uses fakes: no root, no network). */
export interface StatusDeps {
  readLinks(): Promise<Link[]>;
  askSentinelsForAll(config: Config, names: Iterable<string>): Promise<Map<string, SentinelView>>;
  resolveMasterNames(views: Iterable<Pick<SentinelView, 'master'>>): Promise<Resolved>;
  probeDuplicate: typeof probeDuplicate;
  role(config: Config, target: { host: string; port: number; text: string }): ReturnType<typeof role>;
  readHold: typeof readHold;
  /** SENTINEL MASTER <name> of one Sentinel (the local one: its client-reconfig-script). */
  sentinelMaster(config: Config, at: { host: string; port: number }, name: string): ReturnType<typeof sentinelMaster>;
  /** The watcher as this user can see it. */
  watcher(runDir: string): MoverFacts['watcher'];
  /** The client-reconfig-scripts that are this vipctl (core/local-hook ourHookScripts), and the realpath of a script path (null when absent). */
  ours: readonly string[];
  realpath(path: string): string | null;
  now(): number;
}

export const systemStatusDeps: StatusDeps = {
  readLinks: () => readLinks(),
  askSentinelsForAll: (c, n) => askSentinelsForAll(c, n),
  resolveMasterNames,
  probeDuplicate,
  role: (c, t) => role(c, t),
  readHold,
  sentinelMaster: (c, at, name) => sentinelMaster(c, at, name),
  watcher: (runDir) => ({ running: systemHost.watchPid(runDir), recorded: systemHost.recordedWatchPid(runDir), hidden: systemHost.procHidden() }),
  get ours() {
    return ourHookScripts(vipctlBin(), inSea());
  },
  realpath: realpathOrNull,
  now: () => Date.now(),
};

/** The local Sentinel's client-reconfig-script for `master`, or why it is not known. */
async function localHook(config: Config, master: string, links: readonly Link[], d: StatusDeps): Promise<MoverFacts['localSentinel']> {
  const vips = [...config.masters.values()].map((m) => m.vip.address);
  const local = localAddresses(links, vips);
  const s = localSentinelOf(config, local);
  if (!s) return { sentinel: null, error: 'no configured Sentinel has an address of this host' };
  const name = joinHostPort(s.host, s.port);
  const r = await d.sentinelMaster(config, s, master);
  if (!r.ok) return { sentinel: name, error: r.error };
  const script = r.value['client-reconfig-script'] || null;
  return { sentinel: name, script, ours: isThisVipctl(script, d.ours, d.realpath) };
}

async function masterStatus(config: Config, master: MasterConfig, links: readonly Link[], local: ReadonlySet<string>, views: Promise<{ views: Map<string, SentinelView>; resolved: Resolved }>, d: StatusDeps): Promise<MasterStatus> {
  const vip = master.vip.address;
  const bound = boundOn(links, vip);
  let ifname: string | null = bound[0] ?? null;
  if (ifname === null) {
    try {
      ifname = resolveInterface(master, links);
    } catch {
      ifname = null; // no interface here for the VIP (a Sentinel-only host): nothing to probe
    }
  }
  // arping -D / ndisc6: this host's kernel never answers its own probe, so bound here any answer is another host (a conflict).
  const [{ views: all, resolved }, probe, hook] = await Promise.all([views, ifname !== null ? d.probeDuplicate(ifname, vip) : null, localHook(config, master.name, links, d)]);
  const view = all.get(master.name)!;
  const want = desiredFromMaster(view.master, local, resolved);
  const masterIsHere = want.desired === 'unknown' ? null : want.desired === 'here';
  const onIface = links.find((l) => l.ifname === ifname)?.addresses.map((a) => a.address) ?? [];
  // A master named by host name: ROLE goes to its address here, if it is one of ours.
  const byAddress = view.master !== null && masterIsHere === true && isHostName(masterHost(view.master)) ? joinHostPort(resolved.get(masterHost(view.master))!.find((a) => local.has(a))!, view.master.slice(view.master.lastIndexOf(':') + 1)) : view.master;
  const target = localRedisTarget(byAddress, view.answers, local, onIface);
  const r = target ? await d.role(config, target) : null;
  const localIsMaster = r?.ok ? r.value === 'master' : null;
  const hold = d.readHold(config.runDir, master.name);
  const now = d.now();
  const ownMacs = new Set(links.flatMap((l) => (l.mac ? [l.mac.toLowerCase()] : [])));
  const others = probe ? foreignMacs(probe, ownMacs) : [];
  const v = verdictOf({ sentinelMaster: view.master, masterIsHere, whyUnknown: want.reason, boundHere: bound.length > 0, localIsMaster, foreignMacs: bound.length > 0 ? others : [], ...(holding(hold, now) ? { hold: describeHold(hold, now) } : {}) });
  // a Sentinel that answered "does not monitor" answered all the same
  const reached = view.answers.filter((a) => a.master !== null || /^does not monitor /.test(a.error ?? '')).length;
  const fence = fenceNow(reached, view.answers.filter((a) => a.master === null && failureKind(a.error) === 'refused').length, view.total);
  return {
    name: master.name,
    vip: master.vip.text,
    interface: ifname,
    boundHere: bound.length > 0,
    sentinelMaster: view.master,
    sentinelsAgreeing: view.agreeing,
    sentinelsTotal: view.total,
    localIsMaster,
    verdict: v.verdict,
    reason: v.reason,
    answers: view.answers,
    localRedis: {
      address: target?.text ?? null,
      role: r?.ok ? r.value : null,
      ...(r === null ? { error: 'address unknown: no Sentinel gave the master port' } : r.ok ? {} : { error: r.error }),
    },
    otherHolderMac: others[0] ?? null,
    fence: { rule: fence.state, reason: fence.why },
    arpProbe:
      probe === null
        ? 'skipped: no interface for the VIP here'
        : probe.kind === 'failed'
          ? `failed: ${probe.error}`
          : others.length > 0
            ? `answered by ${others.join(', ')}`
            : 'no answer',
    mover: describeMover({ watcher: d.watcher(config.runDir), localSentinel: hook }),
  };
}

export async function statusReport(config: Config, d: StatusDeps = systemStatusDeps): Promise<StatusReport> {
  const links = await d.readLinks();
  const vips = [...config.masters.values()].map((m) => m.vip.address);
  // One SENTINEL MASTERS per Sentinel, shared by every master (the ARP probes run meanwhile).
  const views = d.askSentinelsForAll(config, config.masters.keys()).then(async (v) => ({ views: v, resolved: await d.resolveMasterNames(v.values()) }));
  return { masters: await Promise.all([...config.masters.values()].map((m) => masterStatus(config, m, links, segmentAddresses(m, links, vips), views, d))) };
}

export async function statusCommand(config: Config, o: { json?: boolean }): Promise<number> {
  const report = await statusReport(config);
  if (o.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(`${formatStatus(report, useColour(process.stdout.isTTY === true, process.env)).join('\n')}\n`);
  return statusExitCode(report.masters.map((m) => m.verdict));
}
