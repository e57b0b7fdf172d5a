/**
 * doctor in either mode: what moves the VIP on this host (the watcher, the
 * hook, both: core/doctor-mode), and the checks that follow from it. The
 * hook's checks (node on Sentinel's PATH, Sentinel's capabilities, its unit)
 * run only where the local Sentinel runs this vipctl as its hook; the
 * watcher's (its capabilities) only where a watcher runs. What this user
 * cannot see (another user's process) is said, with why.
 */
import type { Config } from '../core/config';
import { DEFAULT_SENTINEL_PATH, fail, judgeCaps, judgeNode, listenAddresses, listenerPid, pass, warn, type CheckResult } from '../core/doctor';
import { judgeMode, modeOf, type DoctorMode, type ModeFacts } from '../core/doctor-mode';
import { normalizeIp } from '../core/address';
import { joinHostPort } from '../core/sentinel-view';
import { isPackagedHook, isThisVipctl, localSentinelOf, PACKAGED_HOOK } from '../core/local-hook';
import { findOnPath, realpathOrNull } from '../adapters/host';
import { run } from '../adapters/run';
import { inSea } from '../adapters/sea';
import type { DoctorContext } from './checks';

const CAPS_FIX = 'run as root, or give the service AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW (systemd drop-in)';
const HELPER_FIX = 'systemctl enable --now vipctl-hook.socket (the package\'s hook helper: Sentinel then needs no capability)';
const WATCHER_CAPS_FIX = 'AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW and CapabilityBoundingSet= the same in vipctl-watch.service (deploy/vipctl-watch.service has them)';

const modes = new WeakMap<DoctorContext, Promise<{ facts: ModeFacts; mode: DoctorMode }>>();

async function gather(ctx: DoctorContext, config: Config): Promise<{ facts: ModeFacts; mode: DoctorMode }> {
  const local = new Set((ctx.links ?? []).flatMap((l) => l.addresses.map((a) => normalizeIp(a.address))));
  const localSentinel = localSentinelOf(config, local);
  const hook: ModeFacts['hook'] = [];
  for (const s of config.sentinel.addresses) {
    for (const m of config.masters.keys()) {
      const r = await ctx.sentinelReply(s, m);
      const script = r.ok ? r.fields['client-reconfig-script'] || null : null;
      if (isThisVipctl(script, ctx.ours, realpathOrNull)) hook.push({ sentinel: joinHostPort(s.host, s.port), master: m, packaged: isPackagedHook(script, realpathOrNull) });
    }
  }
  const facts: ModeFacts = {
    watcher: { recorded: ctx.host.recordedWatchPid(config.runDir), running: ctx.host.watchPid(config.runDir) },
    hidden: ctx.host.procHidden(),
    hook,
    localSentinel: localSentinel ? joinHostPort(localSentinel.host, localSentinel.port) : null,
    helper: { socket: ctx.hookSocket, listening: ctx.host.isSocket(ctx.hookSocket) },
  };
  return { facts, mode: modeOf(facts) };
}

/** The mode of this host, found once per doctor run (null without a config). */
export function doctorMode(ctx: DoctorContext): Promise<{ facts: ModeFacts; mode: DoctorMode }> | null {
  if (!ctx.config) return null;
  let p = modes.get(ctx);
  if (!p) modes.set(ctx, (p = gather(ctx, ctx.config)));
  return p;
}

export async function checkMode(ctx: DoctorContext): Promise<CheckResult[]> {
  const m = await doctorMode(ctx);
  return m ? [judgeMode(m.facts, m.mode)] : [];
}

/** This process's own capabilities: needed for bind, unbind, reconcile by hand, not for doctor or status. */
export async function checkOwnCaps(ctx: DoctorContext): Promise<CheckResult[]> {
  const r = judgeCaps('this process', ctx.host.procStatus('self'), CAPS_FIX);
  if (r.status === 'pass') return [r];
  return [warn(r.check, `${r.detail} (uid ${ctx.host.euid}): fine for doctor and status; bind, unbind and reconcile by hand need them`, 'run those as root (sudo vipctl ...)')];
}

/** The watcher's capabilities, where one runs and this user can see it. */
export async function checkWatcher(ctx: DoctorContext): Promise<CheckResult[]> {
  const m = await doctorMode(ctx);
  if (!m || !m.mode.watcher || m.mode.watcherUnseen || m.mode.watcherPid === null) return [];
  return [judgeCaps(`the watcher, pid ${m.mode.watcherPid}`, ctx.host.procStatus(m.mode.watcherPid), WATCHER_CAPS_FIX)];
}

/** Only where the local Sentinel runs this vipctl as its hook. */
export function forHook(check: (ctx: DoctorContext) => Promise<CheckResult[]>): (ctx: DoctorContext) => Promise<CheckResult[]> {
  return async (ctx) => ((await doctorMode(ctx))?.mode.hook ? check(ctx) : []);
}

/**
 * What Sentinel needs to run the hook: node (>= 20) on the PATH it passes to
 * the hook (bin/vipctl starts with #!/usr/bin/env node; the package carries
 * its own Node), and CAP_NET_ADMIN/CAP_NET_RAW, unless the hook is the
 * package's and relays to its helper (then the helper holds them).
 */
export const checkSentinelEnvironment = forHook(async (ctx) => {
  const config = ctx.config!;
  const { mode } = (await doctorMode(ctx))!;
  const ports = [...new Set(config.sentinel.addresses.map((s) => s.port))];
  const withPids = await ctx.host.listeningSockets(true);
  const pid = withPids === null ? null : ports.map((p) => listenerPid(withPids, p)).find((p) => p !== null) ?? null;
  let unseen: string | null = null;
  if (pid === null) {
    const plain = await ctx.host.listeningSockets(false);
    const port = plain === null ? undefined : ports.find((p) => listenAddresses(plain, p).length > 0);
    if (port !== undefined) unseen = `something listens on Sentinel's port ${port}, but this user (uid ${ctx.host.euid}) cannot see its process: ${ctx.host.procHidden() ?? 'ss shows the process of another user\'s socket to root only'}`;
  }
  const env = pid === null ? null : ctx.host.procEnv(pid, 'PATH');
  const path = env === null || env === 'unreadable' ? DEFAULT_SENTINEL_PATH : env;
  const source =
    pid === null
      ? `the default PATH (${unseen ?? 'no Sentinel of the config listens here'})`
      : env === 'unreadable'
        ? `the default PATH (Sentinel pid ${pid} hides its environment behind its process title; set Environment=PATH=... in its unit to be sure)`
        : env === null
          ? `the default PATH (Sentinel pid ${pid} has no PATH)`
          : `Sentinel pid ${pid}'s PATH ${path}`;
  const node = inSea() ? null : findOnPath('node', path);
  const version = node ? await run([node, '--version']) : null;
  // The packaged vipctl (a single executable) carries its own Node: none is needed on the PATH.
  const out = [inSea() ? pass("node on Sentinel's PATH", `not needed: ${process.execPath} is a single executable with Node inside`) : judgeNode(source, node, version ? version.stdout.trim() || version.failedToStart || version.stderr.trim() : null)];
  // the package's hook executable is a V8 startup snapshot: V8 flags in NODE_OPTIONS make Node refuse it and exit
  const v8Flags = pid !== null && (mode.relayed || mode.unrelayedPackaged) ? ctx.host.procEnv(pid, 'NODE_OPTIONS') : null;
  if (v8Flags !== null && v8Flags !== 'unreadable' && v8Flags.trim() !== '') {
    out.push(fail("Sentinel's NODE_OPTIONS", `Sentinel pid ${pid} has NODE_OPTIONS=${v8Flags}: ${PACKAGED_HOOK} is a V8 startup snapshot, and Node refuses to load it under other V8 flags (the hook exits at once)`, 'remove NODE_OPTIONS from redis-sentinel.service\'s environment (Debian\'s unit sets none)'));
  }
  if (mode.relayed) {
    out.push(pass('capabilities (Sentinel, which runs the hook)', `not needed: ${PACKAGED_HOOK} relays to the hook helper listening at ${ctx.hookSocket} (vipctl-hook.socket), which holds them`));
    return out;
  }
  if (mode.unrelayedPackaged) {
    out.push(warn('hook helper', `no socket at ${ctx.hookSocket}: vipctl-hook.socket does not listen, so ${PACKAGED_HOOK} runs the hook inside Sentinel, which then needs CAP_NET_ADMIN and CAP_NET_RAW itself`, HELPER_FIX));
  }
  const capsFix = mode.unrelayedPackaged ? HELPER_FIX : CAPS_FIX;
  if (pid !== null) out.push(judgeCaps(`Sentinel pid ${pid}, which runs the hook`, ctx.host.procStatus(pid), capsFix));
  else if (unseen) out.push(warn('capabilities (Sentinel, which runs the hook)', `not checked: ${unseen}`, 'run vipctl doctor as root to check them'));
  return out;
});
